-- A table: the observations of the snapshots the history does not hold yet, parsed once for
-- the history table and the attribute versions that both take them in. One snapshot a day,
-- whatever the length of history; empty when nothing new was landed.
{{ config(materialized='table') }}

{%- set history = history_relation() %}

with

observations as (

    select * from {{ ref('int_model_snapshots_deduplicated') }}
    {{ only_new_snapshots(stored_in=history) }}

),

-- The seed clipped counts at 0; a negative count is an API glitch, not a value. The flag keeps
-- the anomaly visible to the warn-level tests instead of clipping it away silently.
final as (

    select
        * exclude (downloads, likes, trending_score, downloads_all_time),
        case when downloads < 0 then 0 else downloads end as downloads,
        case when likes < 0 then 0 else likes end as likes,
        case when trending_score < 0 then 0 else trending_score end as trending_score,
        case when downloads_all_time < 0 then 0 else downloads_all_time end as downloads_all_time,
        coalesce(
            downloads < 0 or likes < 0 or trending_score < 0 or downloads_all_time < 0, false
        ) as is_clipped,
        {{ attributes_hash() }} as attributes_hash,
    from observations

)

select * from final
