-- The edge functions read a JSON body with a hard size cap, streamed (issue 13 point 7:
-- supabase/functions/_shared/http.ts readBodyCapped): a login code, refresh token or real-name
-- ticket body over it is 413 body_too_large (twin: shared/error-codes/core.ts). Signed
-- ingestion batches keep their own batch_too_large.
insert into app.error_codes (code, http_status, message) values
  ('body_too_large', 413, '请求内容过大');
