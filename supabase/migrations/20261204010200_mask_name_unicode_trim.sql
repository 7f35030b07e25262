-- app.mask_name trimmed with btrim, which strips only ASCII spaces, while its twin in shared/
-- (maskName) trims with String.prototype.trim, which strips every Unicode white space: a name
-- typed with a leading full-width space (U+3000, common with Chinese input methods) was masked
-- differently on the two sides. app.trim_ws strips exactly the set String.prototype.trim does
-- (ECMA-262 WhiteSpace and LineTerminator), and mask_name uses it.

create function app.trim_ws(p_text text)
returns text
language sql
immutable
set search_path = ''
as $$
  select btrim(p_text, E'\t\n\u000b\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff');
$$;
comment on function app.trim_ws(text) is
  'String.prototype.trim in SQL: strips the Unicode white space and line terminators ECMAScript does (U+3000 full-width space included), so SQL and shared/ agree.';
revoke execute on function app.trim_ws(text) from public, anon, authenticated;

create or replace function app.mask_name(p_name text)
returns text
language sql
immutable
set search_path = ''
as $$
  select case
    when t is null or t = '' then ''
    when char_length(t) = 1 then '*'
    when char_length(t) = 2 then left(t, 1) || '*'
    else left(t, 1) || repeat('*', char_length(t) - 2) || right(t, 1) end
  from (select app.trim_ws(p_name) as t) n;
$$;
comment on function app.mask_name(text) is 'Masked display name: first character, stars, and the last character from three characters on (trimmed as shared/ maskName trims).';
