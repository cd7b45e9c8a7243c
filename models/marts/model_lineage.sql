-- A view: the edges are stored once, in int_lineage_edges.
{{ config(materialized='view') }}

with

edges as (

    select * from {{ ref('int_lineage_edges') }}

),

final as (

    select * from edges

)

select * from final
