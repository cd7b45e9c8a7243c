-- Incremental by snapshot, one body for every build: a build computes the rows of every snapshot
-- captured since the earliest of those the history appended after this table's own latest stamp
-- (appended_at), whose model_growth rows (and so downloads per day) may have changed. A daily
-- build, one new snapshot newer than all, computes that snapshot alone; after a late snapshot,
-- or several since the last build, those after it too. The first build reads the whole history.
{{
    config(
        materialized='incremental',
        incremental_strategy='snapshot_delete_insert',
        unique_key=['snapshot_id', 'category'],
        on_schema_change='append_new_columns',
    )
}}

with

history as (

    select * from {{ ref('model_observation_history') }}
    where category is not null

),

{% if is_incremental() -%}
-- Its own import of the history's stamps: a CTE read twice is materialised by DuckDB, which
-- would copy the history on every build.
history_stamps as (

    select snapshot_at, appended_at from {{ ref('model_observation_history') }}

),

{% endif -%}
model_growth as (

    select * from {{ ref('model_growth') }}
    where category is not null

),

categories as (

    select * from {{ ref('categories') }}

),

{% if is_incremental() -%}
-- This table's latest stamp: history rows stamped later are new to it. A table of older code
-- without stamps takes everything again.
watermark as (

    select coalesce(max(appended_at), '-infinity'::timestamp) as appended_at from {{ this }}

),

recompute_from as (

    select min(snapshot_at) as snapshot_at
    from history_stamps
    where appended_at > (select watermark.appended_at from watermark)

),

{% endif -%}
observations as (

    select * from history
    {%- if is_incremental() %}
        where snapshot_at >= (select recompute_from.snapshot_at from recompute_from)
    {%- endif %}

),

growth as (

    select * from model_growth
    {%- if is_incremental() %}
        where snapshot_at >= (select recompute_from.snapshot_at from recompute_from)
    {%- endif %}

),

per_category as (

    select
        snapshot_id,
        any_value(snapshot_at) as snapshot_at,
        category,
        count(*) as model_count,
        sum(downloads)::bigint as total_downloads,
        sum(likes)::bigint as total_likes,
    from observations
    group by snapshot_id, category

),

-- Downloads per day from the all-time counts: the sum over the category's models (category as
-- observed in this snapshot) that have a model_growth row here with a downloads_per_day, i.e.
-- full observations in this snapshot and in their previous one, both with downloadsAllTime.
growth_per_category as (

    select
        snapshot_id,
        category,
        sum(downloads_per_day)::double as downloads_per_day,
        count(*) as downloads_per_day_model_count,
    from growth
    where downloads_per_day is not null
    group by snapshot_id, category

),

-- Shares are within a snapshot: each snapshot may sample a different population.
final as (

    select
        per_category.snapshot_id,
        per_category.snapshot_at,
        per_category.category,
        categories.modality,
        categories.research_group,
        per_category.model_count,
        per_category.total_downloads,
        per_category.total_likes,
        (
            per_category.model_count
            / sum(per_category.model_count) over (partition by per_category.snapshot_id)
        )::double as share_of_models,
        (
            per_category.total_downloads
            / nullif(
                sum(per_category.total_downloads) over (partition by per_category.snapshot_id), 0
            )
        )::double as share_of_downloads,
        growth_per_category.downloads_per_day,
        coalesce(growth_per_category.downloads_per_day_model_count, 0)
            as downloads_per_day_model_count,
        {{ build_started_at() }} as appended_at,
    from per_category
    left join categories on per_category.category = categories.category
    left join growth_per_category
        on
            per_category.snapshot_id = growth_per_category.snapshot_id
            and per_category.category = growth_per_category.category

)

select * from final
