import { ConfigError, configLimits, defaultPort, readCentralConfig } from '../../src/config/central-config.js';

const root = '/srv/clinic-mesh';

describe('central config', () => {
  it('defaults to port 3000, an embedded database under .data/postgres and a generated admin token', () => {
    expect(readCentralConfig({}, root)).toEqual({
      port: defaultPort,
      database: { kind: 'embedded', directory: '/srv/clinic-mesh/.data/postgres' },
      adminToken: undefined,
    });
  });

  it('uses DATABASE_URL when set, else EMBEDDED_POSTGRES_DIR, and ADMIN_TOKEN and PORT as given', () => {
    const token = 'x'.repeat(configLimits.adminTokenCharactersMin);
    expect(readCentralConfig({ DATABASE_URL: 'postgres://db/central', EMBEDDED_POSTGRES_DIR: '/ignored', ADMIN_TOKEN: token, PORT: '8080' }, root)).toEqual({
      port: 8080,
      database: { kind: 'url', url: 'postgres://db/central' },
      adminToken: token,
    });
    expect(readCentralConfig({ EMBEDDED_POSTGRES_DIR: '/var/lib/central' }, root).database).toEqual({ kind: 'embedded', directory: '/var/lib/central' });
  });

  it('refuses a port that is not one, and an admin token short enough to guess', () => {
    for (const port of ['http', '-1', '65536', '80.5']) expect(() => readCentralConfig({ PORT: port }, root)).withContext(port).toThrowError(ConfigError, /PORT/);
    const short = 'x'.repeat(configLimits.adminTokenCharactersMin - 1);
    expect(() => readCentralConfig({ ADMIN_TOKEN: short }, root)).toThrowError(ConfigError, /ADMIN_TOKEN/);
  });
});
