-- The execution definition (datasets, paths, settings) as JSON, for executions handed to
-- workers through a queue: the task message names the execution; the worker reads this.
ALTER TABLE execution ADD COLUMN definition TEXT NULL;
