-- Incremental (macros/history_batches.sql): a daily build takes in one new snapshot, whose
-- rows come straight from int_models_deduplicated, which keeps each model's newest full
-- observation and the one before it; so the cost follows the new snapshot, not the length of
-- history. A late snapshot (older than one already taken in), or several snapshots since the
-- last build, is the exception: the affected models' history is read again, and the new rows
-- and those that follow them (whose previous observation is now a new one) are replaced. The
-- first build reads the whole history.
-- depends_on: {{ ref('int_models_deduplicated') }}
-- depends_on: {{ ref('model_observation_history') }}
-- depends_on: {{ ref('snapshots') }}
{{
    config(
        materialized='incremental',
        incremental_strategy='snapshot_delete_insert',
        unique_key=['model_id', 'snapshot_id'],
        on_schema_change='append_new_columns',
    )
}}
{%- set watermark = history_watermark('downloads_30d_change') %}
{%- set batch = history_batch(watermark) if watermark else none %}
{%- set from_newest = batch and batch.is_simple %}

with

{% if from_newest -%}
newest as (  -- noqa: ST03

    select * from {{ ref('int_models_deduplicated') }}
    where {{ snapshot_id_in(batch.snapshot_ids) }}

),

{% else -%}
history as (

    select * from {{ ref('model_observation_history') }}
    {%- if batch and not batch.snapshot_ids %}
    where false
    {%- endif %}

),

snapshots as (

    select * from {{ ref('snapshots') }}

),

{% if batch -%}
batch_models as (  -- noqa: ST03

    select distinct model_id from {{ ref('model_observation_history') }}
    where appended_at > {{ watermark.appended_at }}

),

{% endif -%}
{% endif -%}

categories as (

    select * from {{ ref('categories') }}

),

{% if from_newest -%}
-- The new snapshot's full observations and each model's previous full one.
pairs as (

    select
        model_id,
        category,
        snapshot_id,
        snapshot_at,
        previous_snapshot_id,
        previous_snapshot_at,
        downloads,
        likes,
        downloads_all_time,
        previous_downloads,
        previous_likes,
        previous_downloads_all_time,
    from newest
    where is_full_observation and previous_snapshot_id is not null

),

{% else -%}
-- An `--expand` crawl that left out fields the marts need carries nulls for them; comparing it
-- with a full observation would invent changes, so growth is measured between full ones only.
full_observations as (

    select history.*
    from history
    inner join snapshots on history.snapshot_id = snapshots.snapshot_id
    {%- if batch %}
    semi join batch_models on history.model_id = batch_models.model_id
    {%- endif %}
    where snapshots.is_full_observation

),

with_previous as (

    select
        model_id,
        category,
        snapshot_id,
        snapshot_at,
        downloads,
        likes,
        downloads_all_time,
        lag(snapshot_id) over by_model as previous_snapshot_id,
        lag(snapshot_at) over by_model as previous_snapshot_at,
        lag(downloads) over by_model as previous_downloads,
        lag(likes) over by_model as previous_likes,
        lag(downloads_all_time) over by_model as previous_downloads_all_time,
    from full_observations
    window by_model as (partition by model_id order by snapshot_at, snapshot_id)

),

-- All rows the first time; otherwise the new snapshots' rows and the rows whose previous
-- observation is now a new one.
pairs as (

    select * from with_previous
    where
        previous_snapshot_id is not null
        {%- if batch %}
        and (
            {{ snapshot_id_in(batch.snapshot_ids) }}
            or {{ snapshot_id_in(batch.snapshot_ids, 'previous_snapshot_id') }}
        )
        {%- endif %}

),

{% endif -%}

changes as (

    select
        model_id,
        category,
        snapshot_id,
        snapshot_at,
        previous_snapshot_id,
        previous_snapshot_at,
        date_diff('second', previous_snapshot_at, snapshot_at) / 86400.0 as days_between,
        downloads_all_time - previous_downloads_all_time as downloads_all_time_change,
        downloads - previous_downloads as downloads_30d_change,
        likes - previous_likes as likes_change,
    from pairs

),

-- The category is the model's as observed in the later snapshot. Two snapshots taken at the
-- same instant (two responses given one capture time) are no change over time: no row.
final as (

    select
        changes.model_id,
        changes.category,
        categories.modality,
        changes.snapshot_id,
        changes.snapshot_at,
        changes.previous_snapshot_id,
        changes.previous_snapshot_at,
        changes.days_between,
        changes.downloads_all_time_change / changes.days_between as downloads_per_day,
        changes.downloads_30d_change,
        changes.likes_change,
        changes.likes_change / changes.days_between as likes_per_day,
        {{ build_started_at() }} as appended_at,
    from changes
    left join categories on changes.category = categories.category
    where changes.days_between > 0

)

select * from final
