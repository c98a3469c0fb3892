// The workgroup's saved queries are the archive's named queries, kept in src/core so `npm run query` runs the
// very same SQL with DuckDB (docs/queries.md). This module stays so the batch layer's import keeps compiling.
export { NAMED_QUERIES } from '../../../src/core/archive-queries.ts';
