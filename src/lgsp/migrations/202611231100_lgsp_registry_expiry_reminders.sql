-- Certificate expiry reminders: the smallest threshold (days before the certificate ends) already reminded
-- for a key, so the daily job tells operators once per threshold (30, 7, 1 days), not every day.
alter table lgsp_keys add column expiry_reminded_days integer check (expiry_reminded_days > 0);
