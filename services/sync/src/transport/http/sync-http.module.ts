import { Controller, Get, Inject, Module, type BeforeApplicationShutdown, type DynamicModule } from '@nestjs/common';

/** What GET /v1/sync/status answers: this replica's partitions and accounts with their state. */
export interface SyncStatusSource {
  status(): unknown;
}

export const SYNC_STATUS = Symbol('SYNC_STATUS');

/** Read-only view of this replica's share of the accounts (which partitions, which accounts, connection and lag). */
@Controller('v1/sync')
export class SyncStatusController {
  constructor(@Inject(SYNC_STATUS) private readonly source: SyncStatusSource) {}

  @Get('status')
  status(): unknown {
    return this.source.status();
  }
}

/** Stops syncing and hands the accounts over when Nest shuts down (SIGTERM), before the HTTP server closes. */
class DrainOnShutdown implements BeforeApplicationShutdown {
  constructor(private readonly drain: () => Promise<void>) {}

  async beforeApplicationShutdown(): Promise<void> {
    await this.drain();
  }
}

@Module({})
export class SyncHttpModule {
  static forRoot(source: SyncStatusSource, drain: () => Promise<void>): DynamicModule {
    return {
      module: SyncHttpModule,
      controllers: [SyncStatusController],
      providers: [
        { provide: SYNC_STATUS, useValue: source },
        { provide: DrainOnShutdown, useValue: new DrainOnShutdown(drain) },
      ],
    };
  }
}
