import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { badUserInput } from '../../common/errors';
import { PageSize, pageSizeOf } from '../../common/pageSize';
import { Context } from '../../context';
import { Unit, UnitLevel } from './unit.entity';
import { AdministrativeUnit, Commune, District, Province, UnitLevelEnum } from './unit.types';
import { isUnitCode } from '../../common/ids';

/** searchUnits' `first`. */
export const UNIT_SEARCH_PAGE_SIZE: PageSize = { min: 0, max: 100, default: 20 };
const MAX_QUERY_LENGTH = 100;

async function unitAt(ctx: Context, code: string, level?: UnitLevel): Promise<Unit | null> {
  if (!isUnitCode(code)) return null;
  const unit = await ctx.loaders.unit.load(code);
  return unit && (!level || unit.level === level) ? unit : null;
}

@Resolver()
export class UnitQueryResolver {
  @Query(() => [Province], { description: 'All provinces, in code order.' })
  async provinces(@Ctx() ctx: Context): Promise<Unit[]> {
    const provinces = await ctx.services.units.byLevel('PROVINCE');
    for (const p of provinces) ctx.loaders.unit.prime(p.code, p);
    return provinces;
  }

  @Query(() => Province, { nullable: true, description: 'A province by its code; null if there is none.' })
  province(@Arg('code', () => ID, { description: "GSO code with its leading zeros, e.g. '37', '376', '14620'." }) code: string, @Ctx() ctx: Context): Promise<Unit | null> {
    return unitAt(ctx, code, 'PROVINCE');
  }

  @Query(() => District, { nullable: true, description: 'A district by its code; null if there is none.' })
  district(@Arg('code', () => ID, { description: "GSO code with its leading zeros, e.g. '37', '376', '14620'." }) code: string, @Ctx() ctx: Context): Promise<Unit | null> {
    return unitAt(ctx, code, 'DISTRICT');
  }

  @Query(() => Commune, { nullable: true, description: 'A commune by its code; null if there is none.' })
  commune(@Arg('code', () => ID, { description: "GSO code with its leading zeros, e.g. '37', '376', '14620'." }) code: string, @Ctx() ctx: Context): Promise<Unit | null> {
    return unitAt(ctx, code, 'COMMUNE');
  }

  @Query(() => AdministrativeUnit, { nullable: true, description: 'Any unit by its code.' })
  unit(@Arg('code', () => ID, { description: "GSO code with its leading zeros, e.g. '37', '376', '14620'." }) code: string, @Ctx() ctx: Context): Promise<Unit | null> {
    return unitAt(ctx, code);
  }

  @Query(() => [AdministrativeUnit], {
    description: "Units whose name matches, case- and diacritic-insensitively ('phat diem' finds Phát Diệm).",
  })
  searchUnits(
    @Arg('query', () => String, { description: 'Part of the name, with or without diacritics.' }) query: string,
    @Arg('level', () => UnitLevelEnum, { nullable: true, description: 'Only units of this level.' }) level: UnitLevelEnum | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: UNIT_SEARCH_PAGE_SIZE.default, description: `At most this many (${UNIT_SEARCH_PAGE_SIZE.min} to ${UNIT_SEARCH_PAGE_SIZE.max}).` }) first: number | null,
    @Ctx() ctx: Context,
  ): Promise<Unit[]> {
    const limit = pageSizeOf(UNIT_SEARCH_PAGE_SIZE, first);
    if (query.trim() === '') throw badUserInput('query must not be empty', 'query');
    if (query.length > MAX_QUERY_LENGTH) throw badUserInput(`query must be at most ${MAX_QUERY_LENGTH} characters`, 'query');
    return ctx.services.units.search(query, level ?? null, limit);
  }
}

@Resolver(() => AdministrativeUnit)
export class AdministrativeUnitResolver {
  @FieldResolver(() => AdministrativeUnit, { nullable: true, description: 'The unit directly above; null for a province.' })
  parent(@Root() unit: Unit, @Ctx() ctx: Context): Promise<Unit | null> | null {
    return unit.parentCode ? ctx.loaders.unit.load(unit.parentCode) : null;
  }
}

@Resolver(() => Province)
export class ProvinceResolver {
  @FieldResolver(() => [District], { description: 'Its districts, in code order.' })
  async districts(@Root() province: Unit, @Ctx() ctx: Context): Promise<Unit[]> {
    return (await ctx.loaders.unitChildren.load(province.code)).filter((u) => u.level === 'DISTRICT');
  }
}

@Resolver(() => District)
export class DistrictResolver {
  @FieldResolver(() => Province, { description: 'The province it belongs to.' })
  async province(@Root() district: Unit, @Ctx() ctx: Context): Promise<Unit> {
    return (await ctx.loaders.unit.load(district.provinceCode))!;
  }

  @FieldResolver(() => [Commune], { description: 'Its communes, in code order.' })
  async communes(@Root() district: Unit, @Ctx() ctx: Context): Promise<Unit[]> {
    return (await ctx.loaders.unitChildren.load(district.code)).filter((u) => u.level === 'COMMUNE');
  }
}

@Resolver(() => Commune)
export class CommuneResolver {
  @FieldResolver(() => District, { nullable: true, description: 'Null only for a commune that sits directly under its province.' })
  async district(@Root() commune: Unit, @Ctx() ctx: Context): Promise<Unit | null> {
    if (!commune.parentCode) return null;
    const parent = await ctx.loaders.unit.load(commune.parentCode);
    return parent?.level === 'DISTRICT' ? parent : null;
  }

  @FieldResolver(() => Province, { description: 'The province it belongs to.' })
  async province(@Root() commune: Unit, @Ctx() ctx: Context): Promise<Unit> {
    return (await ctx.loaders.unit.load(commune.provinceCode))!;
  }
}
