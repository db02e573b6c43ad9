import { Field, InputType } from 'type-graphql';

@InputType({ description: 'A publication articles are taken from.' })
export class CreateSourceInput {
  @Field(() => String, { description: "Its name as readers know it, e.g. 'Báo Ninh Bình'; unique regardless of case and diacritics." })
  name: string;

  @Field(() => String, { nullable: true, description: 'Its home page: an http(s) URL.' })
  url?: string | null;
}
