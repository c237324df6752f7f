-- Operators find the entries of one request by the id an error shows ("Mã tra cứu: …").
create index audit_log_request_id on audit_log (request_id);
