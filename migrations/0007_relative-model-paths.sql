-- Model paths relative to the state folder: an absolute path written by an earlier version
-- (<old home>/models/<kind>/<version>[/file]) keeps only its models/<kind>/<version>[/file] part, so a state folder
-- that was moved, copied or restored elsewhere serves its own files. Paths without that part stay as they are.
UPDATE "model_versions" AS mv
SET "path" = regexp_replace(mv."path", '^.*/(' || e.pattern || '(/.*)?)$', '\1')
FROM (
  SELECT "id",
         'models/' || regexp_replace("kind", '([.+*?^$(){}|\[\]\\])', '\\\1', 'g')
           || '/' || regexp_replace("version", '([.+*?^$(){}|\[\]\\])', '\\\1', 'g') AS pattern
  FROM "model_versions"
) AS e
WHERE e."id" = mv."id"
  AND mv."path" LIKE '/%'
  AND mv."path" ~ ('/' || e.pattern || '(/|$)');
