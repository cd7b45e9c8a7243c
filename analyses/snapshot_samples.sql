-- Question: what did each snapshot sample?
-- Every number in the other queries describes this population, not the Hub: the default request
-- is the 1000 models trending that day; only a full crawl (`--all`) covers the whole catalogue.
select
    snapshot_id,
    snapshot_at,
    sample_description,
    model_count,
    is_full_catalogue,
    duplicate_count,
    rejected_count,
    is_newest,
    -- The age when the warehouse was built, and now: the first stays put as days pass.
    age_days_at_build,
    now()::timestamp - snapshot_at as age_now,
from marts.snapshots
order by snapshot_at desc
