-- Every (model, ancestor) pair along any chain of base_model edges, merges included: the
-- transitive closure. `union` (not `union all`) keeps each pair once, so the recursion ends when
-- no new pair appears: on a cycle (A -> B -> A) it yields (A, A) and stops, and a model reached by
-- several paths (merges of merges) is one pair, not one row per path. It runs on integer keys:
-- the closure of a 2M-model Hub holds millions of pairs, and two bigints are far smaller to hash
-- than two ids.
{{ config(materialized='table') }}

with recursive

lineage as (

    select model_id, base_model_id from {{ ref('int_lineage_edges') }}
    where not is_self_reference

),

node_ids as (

    select model_id as node_id from lineage
    union
    select base_model_id as node_id from lineage

),

nodes as (

    select
        node_id,
        row_number() over () as node_key,
    from node_ids

),

keyed_edges as (

    select
        children.node_key as child_key,
        parents.node_key as parent_key,
    from lineage
    inner join nodes as children on lineage.model_id = children.node_id
    inner join nodes as parents on lineage.base_model_id = parents.node_id

),

-- Recursive (`with recursive` above): each pass extends every pair by one edge upwards.
closure as (

    select
        child_key as descendant_key,
        parent_key as ancestor_key,
    from keyed_edges

    union

    select
        closure.descendant_key,
        keyed_edges.parent_key as ancestor_key,
    from closure
    inner join keyed_edges on closure.ancestor_key = keyed_edges.child_key

),

final as (

    select
        descendants.node_id as model_id,
        ancestors.node_id as ancestor_model_id,
    from closure
    inner join nodes as descendants on closure.descendant_key = descendants.node_key
    inner join nodes as ancestors on closure.ancestor_key = ancestors.node_key

)

select * from final
