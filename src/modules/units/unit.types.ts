import { Directive, Field, ID, InterfaceType, ObjectType, registerEnumType } from 'type-graphql';
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
    COMMUNE: { description: 'Xã, phường or thị trấn.' },
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

  @Field(() => String, { description: "Name without the type word: 'Phát Diệm'." })
  name: string;

  @Field(() => String, { description: "Name with the type word: 'Thị trấn Phát Diệm'." })
  fullName: string;

  @Field(() => String, { description: "ASCII slug: 'phat-diem'." })
  slug: string;

  @Field(() => UnitLevelEnum, { description: 'Province, district or commune.' })
  level: UnitLevelEnum;

  @Field(() => String, { description: 'GSO type: tinh, thanh-pho, huyen, quan, thi-xa, xa, phuong or thi-tran.' })
  type: string;

  @Field(() => String, { description: "Full names from this unit up: 'Thị trấn Phát Diệm, Huyện Kim Sơn, Tỉnh Ninh Bình'." })
  path: string;
}

@Directive('@key(fields: "code")')
@Directive(cacheFor(UNIT_MAX_AGE))
@ObjectType({ implements: AdministrativeUnit, description: 'A province or centrally governed city (tỉnh, thành phố trực thuộc trung ương).' })
export class Province extends AdministrativeUnit {}

@Directive('@key(fields: "code")')
@Directive(cacheFor(UNIT_MAX_AGE))
@ObjectType({ implements: AdministrativeUnit, description: 'A district-level unit (quận, huyện, thị xã, thành phố thuộc tỉnh).' })
export class District extends AdministrativeUnit {}

@Directive('@key(fields: "code")')
@Directive(cacheFor(UNIT_MAX_AGE))
@ObjectType({ implements: AdministrativeUnit, description: 'A commune-level unit (xã, phường, thị trấn).' })
export class Commune extends AdministrativeUnit {}
