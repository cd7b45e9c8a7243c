-- The latest capture time, looked up first and written in as a constant: model_growth holds
-- every snapshot's rows, and a filter by constant reads only the newest row groups (a subquery
-- read all of them: 0.6 s on day 2, 2.1 s on day 30 of 200k models).
{%- set latest_at = latest_snapshot_at(ref('model_growth')) %}

with

model_growth as (

    select * from {{ ref('model_growth') }}
    {%- if latest_at is not none %}
    where snapshot_at = timestamp '{{ latest_at }}'
    {%- endif %}

),

latest_at as (

    select max(snapshot_at) as snapshot_at from model_growth

),

-- The consecutive pair only: a model that skipped snapshots compares a longer span.
latest_pair as (

    select
        model_growth.snapshot_at,
        max(model_growth.previous_snapshot_at) as previous_snapshot_at,
    from model_growth
    inner join latest_at on model_growth.snapshot_at = latest_at.snapshot_at
    group by model_growth.snapshot_at

),

-- Two snapshots taken at the same instant have no rate; those models are not compared.
final as (

    select
        model_growth.model_id,
        model_growth.category,
        model_growth.modality,
        model_growth.previous_snapshot_id,
        model_growth.previous_snapshot_at,
        model_growth.snapshot_id,
        model_growth.snapshot_at,
        model_growth.days_between,
        model_growth.likes_change,
        model_growth.likes_per_day,
        model_growth.downloads_per_day,
        model_growth.downloads_30d_change,
        row_number() over (
            order by model_growth.likes_per_day desc, model_growth.model_id asc
        ) as growth_rank,
    from model_growth
    inner join latest_pair
        on
            model_growth.snapshot_at = latest_pair.snapshot_at
            and model_growth.previous_snapshot_at = latest_pair.previous_snapshot_at
    where model_growth.likes_per_day is not null

)

select * from final
