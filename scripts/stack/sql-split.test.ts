import { splitSqlStatements } from './sql-split.ts';

test('splits on top-level semicolons and drops empty statements', () => {
  expect(splitSqlStatements('select 1; select 2;\n\n;')).toEqual(['select 1', 'select 2']);
});

test('keeps semicolons inside strings, identifiers, comments and dollar quotes', () => {
  const sql = [
    "insert into t values ('a;b', 'it''s; fine');",
    'select "odd;name" from t; -- trailing; comment',
    '/* block; /* nested; */ still */ select 3;',
    'create function f() returns int language sql as $body$ select 1; select 2; $body$;',
    'do $$ begin perform 1; end $$;',
  ].join('\n');
  const parts = splitSqlStatements(sql);
  expect(parts).toHaveLength(5);
  expect(parts[0]).toBe("insert into t values ('a;b', 'it''s; fine')");
  expect(parts[3]).toContain('$body$ select 1; select 2; $body$');
  expect(parts[4]).toBe('do $$ begin perform 1; end $$');
});

test('a dollar sign that is not a quote (e.g. $1) does not open one', () => {
  expect(splitSqlStatements('select $1; select 2')).toEqual(['select $1', 'select 2']);
});
