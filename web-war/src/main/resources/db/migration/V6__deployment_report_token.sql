-- Only the board that opened a deployment may report on it: /api/config gives each run a secret, stored hashed.
ALTER TABLE deployment ADD COLUMN report_token_hash TEXT;
