// Jasmine helper (Node run): stops the test run's PostgreSQL, if a suite started one, after the last spec.
import { stopTestPostgres } from '../support/test-postgres.js';

afterAll(stopTestPostgres, 30_000);
