// The database pool of this process as Prometheus gauges: connections busy and idle, and requests waiting for
// one. A process whose requests wait for connections while its database idles is held back by its pool (or by
// work done while holding a connection), not by PostgreSQL: the peak benchmark reads these to tell which.
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MetricsService } from './metrics.service.js';

/** What node-postgres's Pool tells about itself. */
interface PoolCounts {
  readonly totalCount: number;
  readonly idleCount: number;
  readonly waitingCount: number;
}

@Injectable()
export class DatabasePoolMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: MetricsService,
    private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    this.metrics.addGauge('db_pool_connections', 'Connections of this process to PostgreSQL, busy (checked out) or idle', ['state'], (set) => {
      const pool = this.pool();
      set({ state: 'busy' }, pool.totalCount - pool.idleCount);
      set({ state: 'idle' }, pool.idleCount);
    });
    this.metrics.addGauge('db_pool_waiting_requests', 'Queries waiting for a connection of the pool', [], (set) => set({}, this.pool().waitingCount));
  }

  private pool(): PoolCounts {
    // TypeORM's PostgresDriver keeps its node-postgres Pool as `master`; not in its types, hence the cast.
    return (this.dataSource.driver as unknown as { master: PoolCounts }).master;
  }
}
