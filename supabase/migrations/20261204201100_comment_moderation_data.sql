-- hand-written: data
-- Issue 15.4 (content safety of the public 差评 board): the refusals of moderate_comment (twins:
-- shared/error-codes/comments.ts), the schedule of comment-check (WeChat's msgSecCheck, every
-- minute, like send-reminders), and the comments already public when this lands: they wait for
-- the check and a supervisor like new ones (nothing already public stays on the board unreviewed).
insert into app.error_codes (code, http_status, message) values
  ('comment_risky', 409, '该评论未通过内容安全检测，不能公开'),
  ('comment_withdrawn', 409, '评价人已撤回公开许可，不能公开'),
  ('comment_not_checked', 409, '该评论尚未完成内容安全检测，请稍后再审核'),
  ('comment_already_moderated', 409, '该评论已经审核过，请刷新后查看'),
  ('content_check_not_configured', 503, '内容安全检测未配置，评论暂不公开');

select cron.schedule('comment-check', '* * * * *', 'select app.call_scheduled_function(''comment-check'')');   -- issue 15.4

insert into app.comment_moderation (rating_id, region_code, content_md5)
select r.id, r.region_code, md5(r.comment)
from app.ratings r
where r.comment_public and r.is_bad and r.comment is not null and btrim(r.comment) <> ''
on conflict (rating_id) do nothing;
