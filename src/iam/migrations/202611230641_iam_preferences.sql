-- Console preferences remembered per user: the colour theme (the language is the existing lang column).
alter table iam_accounts add column theme text not null default 'light' check (theme in ('light', 'dark'));
