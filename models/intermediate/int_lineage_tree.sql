-- Each model's family: walk down from every root along single-parent edges. A model with one
-- base belongs to its base's family one level deeper; a model with no base (or only itself) is a
-- root, and so is a merge (two or more bases): which parent's family it joins would be a guess, so
-- it starts its own, and its bases count it among their descendants instead
-- (int_lineage_ancestors). A base the warehouse never observed is a root too: its own base is
-- unknown. Each model has at most one parent here, so every model is reached at most once and the
-- walk is a forest, never a path explosion. Models on a cycle (A -> B -> A) have no root and are
-- never reached; lineage_max_depth bounds the walk anyway.
{{ config(materialized='table') }}

with

models as (

    select model_id from {{ ref('models') }}

),

lineage as (

    select model_id, base_model_id, is_base_model_observed from {{ ref('model_lineage') }}
    where not is_self_reference

),

derivations as (

    select model_id, base_model_count from {{ ref('int_model_derivations') }}

),

single_parent_edges as (

    select
        lineage.model_id,
        lineage.base_model_id,
    from lineage
    inner join derivations on lineage.model_id = derivations.model_id
    where derivations.base_model_count = 1

),

observed_roots as (

    select
        models.model_id,
        true as is_observed,
    from models
    left join derivations on models.model_id = derivations.model_id
    where coalesce(derivations.base_model_count, 0) <> 1

),

unobserved_roots as (

    select distinct
        base_model_id as model_id,
        false as is_observed,
    from lineage
    where not is_base_model_observed

),

roots as (

    select * from observed_roots
    union all
    select * from unobserved_roots

),

-- Nested so the model starts with a plain `with` (dbt unit tests inject their inputs after it).
walk as (

    with recursive descent as (

        select
            model_id,
            model_id as root_model_id,
            is_observed as is_root_observed,
            -- `depth` is a keyword to sqlfluff, but the column's name in model_families.
            0 as depth,  -- noqa: RF04
            [model_id] as lineage_path,
        from roots

        union all

        select
            single_parent_edges.model_id,
            descent.root_model_id,
            descent.is_root_observed,
            descent.depth + 1 as depth,  -- noqa: RF04
            list_append(descent.lineage_path, single_parent_edges.model_id) as lineage_path,
        from descent
        inner join single_parent_edges on descent.model_id = single_parent_edges.base_model_id
        where descent.depth < {{ var('lineage_max_depth') }}

    )

    select * from descent

),

-- Unobserved roots only name families; the rows are the observed models.
final as (

    select * from walk
    where depth > 0 or is_root_observed

)

select * from final
