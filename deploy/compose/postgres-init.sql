-- Runs once, on the first start of the compose PostgreSQL (empty data volume).
-- The services create their own schemas (migrations on start); the registry keeps its schemas in its own database.
CREATE DATABASE tradebridge_registry;
