-- What each model with a base_model tag is, from its edges: how many other models it names and
-- how it derives from them. A model naming only itself is an original (its edge is kept in
-- model_lineage and reported by warn_lineage_cycles). A table: the walk, the descendant counts,
-- model_families and the key tests all read it, and as a view each re-aggregated every edge.
{{ config(materialized='table') }}

with

lineage as (

    select * from {{ ref('int_lineage_edges') }}

),

per_model as (

    select
        model_id,
        count(*) filter (where not is_self_reference) as base_model_count,
        bool_or(is_self_reference) as has_self_reference,
        bool_or(relation = 'merge') filter (where not is_self_reference) as has_merge_edge,
        arg_min(relation, base_model_position) filter (
            where relation is not null and not is_self_reference
        ) as first_relation,
    from lineage
    group by model_id

),

-- A model with several bases is a merge when any edge says so (the Hub tags every base of a
-- merge `merge`); otherwise it takes its first-listed base's relation.
final as (

    select
        model_id,
        base_model_count,
        has_self_reference,
        case
            when base_model_count = 0 then 'original'
            when has_merge_edge then 'merge'
            else coalesce(first_relation, 'unspecified')
        end as derivation,
    from per_model

)

select * from final
