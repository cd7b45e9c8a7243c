-- Question: which models are growing fastest right now?
-- Growth is between each model's two most recent snapshots, so it needs at least two; with a
-- single snapshot this returns no rows. Ranked by likes per day because likes are all-time
-- totals; downloads are a rolling 30-day count, so their change says whether use is speeding up
-- or slowing down rather than how much was added.
with

latest as (

    select max(snapshot_at) as snapshot_at from marts.model_growth

)

select
    model_growth.model_id,
    model_growth.category,
    model_growth.modality,
    model_growth.previous_snapshot_at,
    model_growth.snapshot_at,
    round(model_growth.days_between, 1) as days_between,
    model_growth.likes_change,
    round(model_growth.likes_per_day, 1) as likes_per_day,
    model_growth.downloads_change,
    round(model_growth.downloads_per_day) as downloads_per_day,
from marts.model_growth
inner join latest on model_growth.snapshot_at = latest.snapshot_at
where model_growth.likes_per_day is not null
order by model_growth.likes_per_day desc, model_growth.downloads_per_day desc
limit 20
