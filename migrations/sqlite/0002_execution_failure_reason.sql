-- Why an execution failed, in words, so operators need not read logs to find out.
ALTER TABLE execution ADD COLUMN failure_reason TEXT NULL;
