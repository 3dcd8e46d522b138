// A whole-platform scenario (five services, the simulator, hundreds of accounts) may take minutes.
jest.setTimeout(600_000);
