import { Article } from '../modules/articles/article.entity';
import { LegalDocument } from '../modules/articles/legalDocument.entity';
import { Publication } from '../modules/articles/publication.entity';
import { Topic } from '../modules/articles/topic.entity';
import { Source } from '../modules/sources/source.entity';
import { Unit } from '../modules/units/unit.entity';

export const entities = [Unit, Source, Topic, Article, LegalDocument, Publication];
