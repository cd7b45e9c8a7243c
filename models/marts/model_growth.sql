-- Incremental, one body for every build. A build takes in the full observations the history
-- appended after this table's newest stamp (all of them the first time). A model with one new
-- observation, later than any it had, is paired with its previous full observation as
-- int_models_deduplicated keeps it: a daily build reads the new snapshot, not the length of
-- history. Any other model with new observations (several since the last build, or a late one
-- older than one already taken in) is paired from its whole history, and its rows from the new
-- ones on (whose previous observation may now be a new one) are replaced by key.
{{
    config(
        materialized='incremental',
        incremental_strategy='snapshot_delete_insert',
        unique_key=['model_id', 'snapshot_id'],
        on_schema_change='append_new_columns',
    )
}}

with

history as (

    select * from {{ ref('model_observation_history') }}

),

-- The history again, for what is new in it: DuckDB materialises a CTE that is read twice, and
-- this one holds every observation.
history_stamps as (

    select
        model_id,
        snapshot_id,
        appended_at,
    from {{ ref('model_observation_history') }}

),

snapshots as (

    select * from {{ ref('snapshots') }}

),

newest as (

    select * from {{ ref('int_models_deduplicated') }}

),

categories as (

    select * from {{ ref('categories') }}

),

-- An `--expand` crawl that left out fields the marts need carries nulls for them; comparing it
-- with a full observation would invent changes, so growth is measured between full ones only.
full_snapshots as (

    select snapshot_id from snapshots
    where is_full_observation

),

{% if is_incremental() -%}
-- The newest history stamp taken in; a table of older code without stamps takes all again.
watermark as (

    select coalesce(max(appended_at), '-infinity'::timestamp) as appended_at from {{ this }}

),

{% endif -%}
new_observations as (

    select
        history_stamps.model_id,
        history_stamps.snapshot_id,
    from history_stamps
    semi join full_snapshots on history_stamps.snapshot_id = full_snapshots.snapshot_id
    {%- if is_incremental() %}
    where history_stamps.appended_at > (select watermark.appended_at from watermark)
    {%- endif %}

),

new_per_model as (

    select
        model_id,
        count(*) as new_observation_count,
        any_value(snapshot_id) as snapshot_id,
    from new_observations
    group by model_id

),

full_observations as (

    select history.*
    from history
    semi join full_snapshots on history.snapshot_id = full_snapshots.snapshot_id

),

-- Models with one new observation, later than any other full one they have: their newest and
-- previous full observations as int_models_deduplicated keeps them.
models_from_newest as (

    select
        newest.model_id,
        newest.category,
        newest.snapshot_id,
        newest.snapshot_at,
        newest.previous_snapshot_id,
        newest.previous_snapshot_at,
        newest.downloads,
        newest.likes,
        newest.downloads_all_time,
        newest.previous_downloads,
        newest.previous_likes,
        newest.previous_downloads_all_time,
    from newest
    inner join new_per_model
        on
            newest.model_id = new_per_model.model_id
            and newest.snapshot_id = new_per_model.snapshot_id
    where
        new_per_model.new_observation_count = 1
        and (
            newest.previous_snapshot_at is null
            or newest.snapshot_at > newest.previous_snapshot_at
        )

),

pairs_from_newest as (

    select * from models_from_newest
    where previous_snapshot_id is not null

),

-- Several new observations, or a late one: the model's whole history.
models_from_history as (

    select new_per_model.model_id
    from new_per_model
    anti join models_from_newest on new_per_model.model_id = models_from_newest.model_id

),

with_previous as (

    select
        full_observations.model_id,
        full_observations.category,
        full_observations.snapshot_id,
        full_observations.snapshot_at,
        full_observations.appended_at,
        full_observations.downloads,
        full_observations.likes,
        full_observations.downloads_all_time,
        lag(full_observations.snapshot_id) over by_model as previous_snapshot_id,
        lag(full_observations.snapshot_at) over by_model as previous_snapshot_at,
        lag(full_observations.appended_at) over by_model as previous_appended_at,
        lag(full_observations.downloads) over by_model as previous_downloads,
        lag(full_observations.likes) over by_model as previous_likes,
        lag(full_observations.downloads_all_time) over by_model as previous_downloads_all_time,
    from full_observations
    {#- A first build pairs every model's history: its models_from_newest have no pair. #}
    {%- if is_incremental() %}
    semi join models_from_history
        on full_observations.model_id = models_from_history.model_id
    {%- endif %}
    window by_model as (
        partition by full_observations.model_id
        order by full_observations.snapshot_at, full_observations.snapshot_id
    )

),

-- The new observations' rows, and the rows whose previous observation is a new one.
pairs_from_history as (

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
    from with_previous
    where
        previous_snapshot_id is not null
        {%- if is_incremental() %}
        and (
            appended_at > (select watermark.appended_at from watermark)
            or previous_appended_at > (select watermark.appended_at from watermark)
        )
        {%- endif %}

),

pairs as (

    select * from pairs_from_newest
    union all
    select * from pairs_from_history

),

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
