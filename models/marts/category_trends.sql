-- Incremental by snapshot (macros/history_batches.sql): a build computes the rows of the new
-- snapshots only; after a late snapshot, or several since the last build, also those of every
-- snapshot after the earliest new one, whose model_growth rows (and so downloads per day) may
-- have changed. The first build reads the whole history.
{{
    config(
        materialized='incremental',
        incremental_strategy='snapshot_delete_insert',
        unique_key=['snapshot_id', 'category'],
        on_schema_change='append_new_columns',
    )
}}
{%- set watermark = history_watermark('downloads_per_day') %}
{%- set batch = history_batch(watermark) if watermark else none %}
{%- set which_snapshots -%}
    {%- if batch and batch.is_simple -%}
        and {{ snapshot_id_in(batch.snapshot_ids) }}
    {%- elif batch and batch.earliest_at -%}
        and snapshot_at >= {{ batch.earliest_at }}
    {%- elif batch -%}
        and false
    {%- endif -%}
{%- endset %}

with

observations as (

    select * from {{ ref('model_observation_history') }}
    where category is not null {{ which_snapshots }}

),

model_growth as (

    select * from {{ ref('model_growth') }}
    where category is not null {{ which_snapshots }}

),

categories as (

    select * from {{ ref('categories') }}

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
    from model_growth
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
