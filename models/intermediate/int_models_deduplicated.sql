-- Each model's newest observation, and the full observation before it, kept up to date
-- incrementally: a build takes in only the history rows appended since its last build
-- (macros/history_batches.sql) and ranks them with the model's two stored ones, so its cost
-- follows the new snapshots, not the length of history. A late snapshot ranks like any other
-- (the true newest two are always among the stored two and the new ones). The marts, the tag
-- models and model_growth read this table.
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='model_id',
        on_schema_change='append_new_columns',
    )
}}
{%- set watermark = history_watermark('previous_snapshot_id') %}
{%- set metrics = ['downloads', 'likes', 'downloads_all_time'] %}
{%- set kept = ['snapshot_id', 'snapshot_at', 'loaded_at'] + metrics %}

with

history as (

    select * from {{ ref('model_observation_history') }}
    {%- if watermark %}
    where appended_at > {{ watermark.appended_at }}
    {%- endif %}

),

snapshots as (

    select snapshot_id, is_full_observation from {{ ref('int_snapshots_described') }}

),

attribute_versions as (

    select * from {{ ref('model_attribute_versions') }}

),

{% if watermark -%}
-- The stored rows apart from their attributes (joined again below) and their previous
-- observation, which is read apart: one CTE read twice is materialised whole.
stored as (  -- noqa: ST03

    -- noqa: disable=RF02
    select
        * exclude (
            {{ attribute_columns() | join(', ') }},
            appended_at,
            {%- for column in kept %}
            previous_{{ column }}{{ ',' if not loop.last }}
            {%- endfor %}
        ),
    -- noqa: enable=RF02
    from {{ this }}

),

stored_previous as (  -- noqa: ST03

    select
        model_id,
        {%- for column in kept %}
        previous_{{ column }} as {{ column }},
        {%- endfor %}
    from {{ this }}
    where previous_snapshot_id is not null

),

new_models as (  -- noqa: ST03

    select distinct model_id from {{ ref('model_observation_history') }}
    where appended_at > {{ watermark.appended_at }}

),

{% endif -%}

observations as (

    select
        history.* exclude (appended_at),  -- noqa: RF02
        coalesce(snapshots.is_full_observation, false) as is_full_observation,
        history.snapshot_at as first_seen_at,
        history.snapshot_at as last_seen_at,
        1::bigint as snapshot_count,
    from history
    left join snapshots on history.snapshot_id = snapshots.snapshot_id

),

-- The candidates: the new observations and, incrementally, each of their models' stored newest
-- observation (which carries first/last seen and the count of everything before) and the full
-- observation stored before it.
candidates as (

    select * from observations
    {%- if watermark %}
    union all by name
    select stored.* from stored
    semi join new_models on stored.model_id = new_models.model_id
    union all by name
    select
        stored_previous.*,
        true as is_full_observation,
        0::bigint as snapshot_count,
    from stored_previous
    semi join new_models on stored_previous.model_id = new_models.model_id
    {%- endif %}

),

-- On a first build nearly every model has one candidate, so only the models with several
-- candidates are ranked, found by a narrow count; the others pass through as the window would
-- leave them. (This model used to run on one thread to fit small caps; at 5M its table write
-- then took 86 s instead of 45. Small caps now get fewer threads for every model:
-- ingest/dbt_threads.py.)
ranked_models as (

    select model_id from candidates
    group by model_id
    having count(*) > 1

),

ranked_candidates as (

    select candidates.* from candidates
    semi join ranked_models on candidates.model_id = ranked_models.model_id

),

-- A full observation ranks first: an `--expand` crawl missing some fields must not stand as a
-- model's current values (snapshots.is_full_observation). The full observation ranked next is
-- the previous one model_growth compares it with.
ranked as (

    select
        * exclude (first_seen_at, last_seen_at, snapshot_count),
        min(first_seen_at) over by_model as first_seen_at,
        max(last_seen_at) over by_model as last_seen_at,
        (sum(snapshot_count) over by_model)::bigint as snapshot_count,
        lead(is_full_observation) over by_rank as next_is_full_observation,
        {%- for column in kept %}
        lead({{ column }}) over by_rank as next_{{ column }},
        {%- endfor %}
    from ranked_candidates
    window
        by_model as (partition by model_id),
        by_rank as (
            partition by model_id
            order by not is_full_observation, snapshot_at desc, loaded_at desc, snapshot_id desc
        )
    qualify row_number() over (
        partition by model_id
        order by not is_full_observation, snapshot_at desc, loaded_at desc, snapshot_id desc
    ) = 1

),

-- A model's only candidate is its newest, its own first and last seen and count; with no
-- observation after it, union by name leaves its next_* (so its previous_*) null. Incrementally
-- it is a new model seen once: a stored model always has its stored row beside a new one.
ranked_or_single as (

    select * from ranked
    union all by name
    select candidates.* from candidates
    anti join ranked_models on candidates.model_id = ranked_models.model_id

),

newest as (

    select
        * exclude (
            next_is_full_observation,
            {%- for column in kept %}
            next_{{ column }}{{ ',' if not loop.last }}
            {%- endfor %}
        ),
        {{ build_started_at() }} as appended_at,
        {%- for column in kept %}
        case
            when is_full_observation and next_is_full_observation then next_{{ column }}
        end as previous_{{ column }},
        {%- endfor %}
    from ranked_or_single

),

-- Every observation's version is stored before the history row (model_attribute_versions
-- takes in the same batch first). The wide versions stream past a hash table of the narrow
-- newest rows: the other way round held every tag list in memory.
final as (

    select
        newest.*,
        {%- for column in attribute_columns() %}
        attribute_versions.{{ column }},
        {%- endfor %}
    from attribute_versions
    inner join newest
        on
            attribute_versions.model_id = newest.model_id
            and attribute_versions.attributes_hash = newest.attributes_hash

)

select * from final
