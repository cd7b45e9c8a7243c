-- Licence drift along edges: for each parent and child licence family, how many edges. Only edges
-- whose base is observed have a parent licence; self-references are left out. Every pair of
-- families has a row (0 where none), so the matrix reads as it is.
with

lineage as (

    select model_id, base_model_id from {{ ref('model_lineage') }}
    where is_base_model_observed and not is_self_reference

),

license_families as (

    select model_id, license_family from {{ ref('model_families') }}

),

families as (

    select license_family, license_family_label, display_order
    from {{ ref('license_families') }}

),

edges as (

    select
        parents.license_family as parent_license_family,
        children.license_family as child_license_family,
    from lineage
    inner join license_families as parents on lineage.base_model_id = parents.model_id
    inner join license_families as children on lineage.model_id = children.model_id

),

counted as (

    select
        parent_license_family,
        child_license_family,
        count(*) as edge_count,
    from edges
    group by parent_license_family, child_license_family

),

grid as (

    select
        parents.license_family as parent_license_family,
        parents.license_family_label as parent_license_family_label,
        parents.display_order as parent_display_order,
        children.license_family as child_license_family,
        children.license_family_label as child_license_family_label,
        children.display_order as child_display_order,
        coalesce(counted.edge_count, 0) as edge_count,
    from families as parents
    cross join families as children
    left join counted
        on
            parents.license_family = counted.parent_license_family
            and children.license_family = counted.child_license_family

),

final as (

    select
        *,
        parent_license_family = child_license_family as is_same_family,
        (
            edge_count / nullif(sum(edge_count) over (partition by parent_license_family), 0)
        )::double as share_of_parent_edges,
    from grid

)

select * from final
