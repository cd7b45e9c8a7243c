with

models as (

    select * from {{ ref('stg_hf__models') }}

),

-- The loader already keeps one copy per model per snapshot; this guards the marts against a
-- raw table written by anything else. The later load wins, as in the loader.
final as (

    select * from models
    qualify row_number() over (
        partition by model_id, snapshot_id
        order by loaded_at desc
    ) = 1

)

select * from final
