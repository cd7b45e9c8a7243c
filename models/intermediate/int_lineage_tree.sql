-- The family walk: down from every root that has derivatives, along single-parent edges. A model
-- with one base belongs to its base's family one level deeper; a model with no base (or only
-- itself) is a root, and so is a merge (two or more bases): which parent's family it joins would
-- be a guess, so it starts its own, and its bases count it among their descendants instead
-- (int_lineage_ancestors). A base the warehouse never observed is a root too: its own base is
-- unknown. Each model has at most one parent here, so every model is reached at most once and the
-- walk is a forest, never a path explosion. Models on a cycle (A -> B -> A) have no root and are
-- never reached; lineage_max_depth bounds the walk anyway.
-- Roots without derivatives (most models) are not rows here: model_families places them itself
-- (root = the model, depth 0), so this table, and the join that reads it, hold only real trees.
{{ config(materialized='table') }}

with recursive

lineage as (

    select model_id, base_model_id, is_base_model_observed from {{ ref('int_lineage_edges') }}
    where not is_self_reference

),

derivations as (

    select model_id, base_model_count from {{ ref('int_model_derivations') }}

),

single_parent_edges as (

    select
        lineage.model_id,
        lineage.base_model_id,
        lineage.is_base_model_observed,
    from lineage
    inner join derivations on lineage.model_id = derivations.model_id
    where derivations.base_model_count = 1

),

parents as (

    select distinct
        base_model_id as model_id,
        is_base_model_observed as is_observed,
    from single_parent_edges

),

-- A parent is a root unless it has one base itself; an unobserved one never has (its tags are
-- unknown).
roots as (

    select
        parents.model_id,
        parents.is_observed,
    from parents
    left join derivations on parents.model_id = derivations.model_id
    where coalesce(derivations.base_model_count, 0) <> 1

),

-- The walk from the roots; `with recursive` above makes this CTE recursive.
walk as (

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
        walk.root_model_id,
        walk.is_root_observed,
        walk.depth + 1 as depth,  -- noqa: RF04
        list_append(walk.lineage_path, single_parent_edges.model_id) as lineage_path,
    from walk
    inner join single_parent_edges on walk.model_id = single_parent_edges.base_model_id
    where walk.depth < {{ var('lineage_max_depth') }}

),

-- Unobserved roots only name families; the rows are the observed models.
final as (

    select * from walk
    where depth > 0 or is_root_observed

)

select * from final
