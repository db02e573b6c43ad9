import { Directive, Field, ID, InterfaceType, ObjectType, registerEnumType } from 'type-graphql';
import { DateScalar } from '../../common/scalars';
import { UNIT_MAX_AGE, cacheFor } from '../../cache/cacheHints';
import { Unit } from './unit.entity';

export enum UnitLevelEnum {
  PROVINCE = 'PROVINCE',
  DISTRICT = 'DISTRICT',
  COMMUNE = 'COMMUNE',
}
registerEnumType(UnitLevelEnum, {
  name: 'UnitLevel',
  description: 'The tier of an administrative unit.',
  valuesConfig: {
    PROVINCE: { description: 'Tỉnh or thành phố trực thuộc trung ương.' },
    DISTRICT: { description: 'Quận, huyện, thị xã or thành phố thuộc tỉnh.' },
    COMMUNE: { description: 'Xã, phường, thị trấn or đặc khu.' },
  },
});

const TYPE_BY_LEVEL: Record<string, string> = { PROVINCE: 'Province', DISTRICT: 'District', COMMUNE: 'Commune' };

@Directive(cacheFor(UNIT_MAX_AGE))
@InterfaceType('AdministrativeUnit', {
  description: 'A province, district or commune, identified by its national statistics code (GSO code).',
  resolveType: (unit: Unit) => TYPE_BY_LEVEL[unit.level],
})
export abstract class AdministrativeUnit {
  @Field(() => ID, { description: "GSO code as a string with its leading zeros: '37' Ninh Bình, '376' Kim Sơn, '14620' Phát Diệm." })
  code: string;

  @Field(() => ID, {
    description:
      'Unique across maps and stable: codes are reused (14620 is Thị trấn Phát Diệm until 2025-06-30, Xã Phát Diệm from 2025-07-01). Opaque.',
  })
  id: string;

  @Field(() => DateScalar, { nullable: true, description: 'First day in force; null where the source does not record it (the map in force until 2025-06-30).' })
  validFrom: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'Last day in force; null while in force.' })
  validTo: string | null;

  @Field(() => String, { description: "Name without the type word: 'Phát Diệm'." })
  name: string;

  @Field(() => String, { description: "Name with the type word: 'Thị trấn Phát Diệm'." })
  fullName: string;

  @Field(() => String, { description: "ASCII slug: 'phat-diem'." })
  slug: string;

  @Field(() => UnitLevelEnum, { description: 'Province, district or commune.' })
  level: UnitLevelEnum;

  @Field(() => String, { description: 'GSO type: tinh, thanh-pho, huyen, quan, thi-xa, xa, phuong, thi-tran or dac-khu.' })
  type: string;

  @Field(() => String, { description: "Full names from this unit up: 'Thị trấn Phát Diệm, Huyện Kim Sơn, Tỉnh Ninh Bình'." })
  path: string;
}

@Directive('@key(fields: "id")')
@Directive('@key(fields: "code")')
@Directive(cacheFor(UNIT_MAX_AGE))
@ObjectType({ implements: AdministrativeUnit, description: 'A province or centrally governed city (tỉnh, thành phố trực thuộc trung ương).' })
export class Province extends AdministrativeUnit {}

@Directive('@key(fields: "id")')
@Directive('@key(fields: "code")')
@Directive(cacheFor(UNIT_MAX_AGE))
@ObjectType({ implements: AdministrativeUnit, description: 'A district-level unit (quận, huyện, thị xã, thành phố thuộc tỉnh).' })
export class District extends AdministrativeUnit {}

@Directive('@key(fields: "id")')
@Directive('@key(fields: "code")')
@Directive(cacheFor(UNIT_MAX_AGE))
@ObjectType({ implements: AdministrativeUnit, description: 'A commune-level unit (xã, phường, thị trấn; đặc khu from 2025-07-01).' })
export class Commune extends AdministrativeUnit {}

@Directive(cacheFor(UNIT_MAX_AGE))
@ObjectType({ description: 'One unit becoming (all or part of) another on a date.' })
export class Succession {
  /** The other unit's id. */
  unitId: string;

  @Field(() => Boolean, { description: 'True when the whole old unit went into the new one; false when only part of it did (a split).' })
  whole: boolean;

  @Field(() => DateScalar, { description: "The new unit's first day, e.g. 2025-07-01." })
  date: string;

  @Field(() => String, { nullable: true, description: "The decision behind it, e.g. '1674/NQ-UBTVQH15', where known." })
  resolution: string | null;
}
