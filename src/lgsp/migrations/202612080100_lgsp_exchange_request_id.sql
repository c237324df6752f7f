-- An agency quotes the X-Lgsp-Request-Id of a call; operators find its exchange record by it.
create index lgsp_exchange_request_id on lgsp_exchange (request_id);
