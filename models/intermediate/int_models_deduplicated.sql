-- Each model's newest observation, and the full observation before it, kept up to date
-- incrementally: a build takes in only the history rows appended since its last build
-- (macros/history_batches.sql) with each of their models' two stored rows, so its cost follows
-- the new snapshots, not the length of history. A first build is the same query over the whole
-- history. A late snapshot ranks like any other (the true newest two are always among the
-- stored two and the new ones). The marts, the tag models and model_growth read this table.
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='model_id',
        on_schema_change='append_new_columns',
    )
}}
{#-
    Incrementally, history rows appended after this table's latest stamp are new. A row
    without a stamp was stored by code older than the stamp (`make upgrade` adds the column
    empty): it is no candidate, so its model is ranked from its whole history again.
-#}
{%- set appended_since -%}
    (select coalesce(max(stamped.appended_at), '-infinity'::timestamp) from {{ this }} as stamped)
{%- endset %}
{%- set metrics = ['downloads', 'likes', 'downloads_all_time'] %}
{%- set kept = ['snapshot_id', 'snapshot_at', 'loaded_at'] + metrics %}
{%- set history = ref('model_observation_history') %}

{#-
    The observations a model's newest two are among: the new history rows and, incrementally,
    each of their models' stored newest row (which carries first/last seen and the count of
    everything before) and the full observation stored before it. Written out wherever it is
    read rather than as a CTE: DuckDB materialises a CTE read more than once, and over a year
    of weekly archive files (70M observations) that spilled 22 GB.

    Each carries its rank as one number: a full observation first, so an `--expand` crawl
    missing some fields never stands as a model's current values
    (snapshots.is_full_observation); then the newest capture, the latest load, the last snapshot
    id. A HUGEINT of bit fields (1 bit full, 54 bits each for capture and load in microseconds
    since 1970, good to the year 2540, 18 bits for the snapshot's place by id) makes the
    ranking a fixed-size max() that spills; ranking a struct (or the top two of one) held
    variable-size state per model and ran out of memory at 1 GB over 70M observations.
-#}
{%- set candidates -%}
    (
        select
            observations.* exclude (is_full_observation),
            coalesce(
                observations.is_full_observation, snapshots.is_full_observation, false
            ) as is_full_observation,
            (coalesce(
                observations.is_full_observation, snapshots.is_full_observation, false
            )::hugeint << 126)
            | (epoch_us(observations.snapshot_at)::hugeint << 72)
            | (epoch_us(observations.loaded_at)::hugeint << 18)
            | coalesce(snapshots.snapshot_number, 0) as rank_key,
        from (
            select
                history.* exclude (appended_at),
                null::boolean as is_full_observation,
                history.snapshot_at as first_seen_at,
                history.snapshot_at as last_seen_at,
                1::bigint as snapshot_count,
            from {{ history }} as history
            {%- if is_incremental() %}
            where history.appended_at > {{ appended_since }}
            union all by name
            select
                stored.* exclude (
                    {{ attribute_columns() | join(', ') }},
                    appended_at,
                    {%- for column in kept %}
                    previous_{{ column }}{{ ',' if not loop.last }}
                    {%- endfor %}
                ),
            from {{ this }} as stored
            where stored.appended_at is not null and stored.model_id in (
                select appended.model_id from {{ history }} as appended
                where appended.appended_at > {{ appended_since }}
            )
            union all by name
            select
                stored.model_id,
                {%- for column in kept %}
                stored.previous_{{ column }} as {{ column }},
                {%- endfor %}
                true as is_full_observation,
                0::bigint as snapshot_count,
            from {{ this }} as stored
            where
                stored.previous_snapshot_id is not null
                and stored.appended_at is not null
                and stored.model_id in (
                    select appended.model_id from {{ history }} as appended
                    where appended.appended_at > {{ appended_since }}
                )
            {%- endif %}
        ) as observations
        left join (
            select
                snapshot_id,
                is_full_observation,
                row_number() over (order by snapshot_id) as snapshot_number,
            from {{ ref('int_snapshots_described') }}
        ) as snapshots
            on observations.snapshot_id = snapshots.snapshot_id
    )
{%- endset %}

with

attribute_versions as (

    select * from {{ ref('model_attribute_versions') }}

),

-- Each model's highest-ranked observation, when it was first and last seen, and how often:
-- aggregates rather than a window, which sorted every observation.
firsts as (

    select
        model_id,
        max(rank_key) as newest_key,
        min(first_seen_at) as first_seen_at,
        max(last_seen_at) as last_seen_at,
        sum(snapshot_count)::bigint as snapshot_count,
    from {{ candidates }} as candidates
    group by model_id

),

-- The full observation ranked next, when the newest is full: the previous one model_growth
-- compares the newest with.
seconds as (

    select
        candidates.model_id,
        max(candidates.rank_key) as previous_key,
    from {{ candidates }} as candidates
    inner join firsts on candidates.model_id = firsts.model_id
    where
        candidates.is_full_observation
        and candidates.rank_key < firsts.newest_key
        and firsts.newest_key >= (1::hugeint << 126)
    group by candidates.model_id

),

newest as (

    select
        -- noqa: disable=RF02
        candidates.* exclude (rank_key, first_seen_at, last_seen_at, snapshot_count),
        -- noqa: enable=RF02
        firsts.first_seen_at,
        firsts.last_seen_at,
        firsts.snapshot_count,
        {{ build_started_at() }} as appended_at,
    from {{ candidates }} as candidates
    inner join firsts
        on
            candidates.model_id = firsts.model_id
            and candidates.rank_key = firsts.newest_key

),

previous as (

    select
        candidates.model_id,
        {%- for column in kept %}
        candidates.{{ column }} as previous_{{ column }},
        {%- endfor %}
    from {{ candidates }} as candidates
    inner join seconds
        on
            candidates.model_id = seconds.model_id
            and candidates.rank_key = seconds.previous_key

),

-- Every observation's version is stored before the history row (model_attribute_versions
-- takes in the same batch first). The wide versions stream past a hash table of the narrow
-- newest rows: the other way round held every tag list in memory.
final as (

    select
        newest.*,
        {%- for column in kept %}
        previous.previous_{{ column }},
        {%- endfor %}
        {%- for column in attribute_columns() %}
        attribute_versions.{{ column }},
        {%- endfor %}
    from attribute_versions
    inner join newest
        on
            attribute_versions.model_id = newest.model_id
            and attribute_versions.attributes_hash = newest.attributes_hash
    left join previous on newest.model_id = previous.model_id

)

select * from final
