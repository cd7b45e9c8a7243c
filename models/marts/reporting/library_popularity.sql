with

models as (

    select * from {{ ref('models') }}

),

{{ popularity_by('library_name') }}

select * from final
