-- Licences the `licenses` seed does not list: their models count as family `other` until it does.
{{ config(severity='warn') }}

with

license_families as (

    select * from {{ ref('int_model_license_families') }}

),

final as (

    select distinct license from license_families
    where is_license_unmapped

)

select * from final
