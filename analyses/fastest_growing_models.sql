-- Question: which models are growing fastest right now?
-- Growth is between each model's two most recent snapshots, so it needs at least two; with a
-- single snapshot this returns no rows. Ranked by likes per day; downloads per day come from the
-- all-time counts (null when a snapshot did not carry `downloadsAllTime`), while the change of
-- the rolling 30-day count says whether use is speeding up or slowing down.
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
    round(model_growth.downloads_per_day) as downloads_per_day,
    model_growth.downloads_30d_change,
from marts.model_growth
inner join latest on model_growth.snapshot_at = latest.snapshot_at
where model_growth.likes_per_day is not null
order by model_growth.likes_per_day desc, model_growth.downloads_per_day desc nulls last
limit 20
