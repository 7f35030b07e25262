-- R13 (issue 13): the officer a 差评 is about never handles it. Twin of shared/error-codes/work-orders.ts.
insert into app.error_codes (code, http_status, message) values
  ('own_work_order', 403, '这条差评针对的是您本人的办件，按规定由本单位其他工作人员或监督部门办理');
