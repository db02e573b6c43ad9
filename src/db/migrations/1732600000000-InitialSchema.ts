import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Units, sources, topics, articles and where each article is shown.
 *
 * Sizing assumptions (the benchmark data, and ten times it): 10,599 + 768 units, 100 sources, 1,000,000
 * articles, each shown on 1-5 units. Every feed a portal asks for is "the newest N rows of one
 * index range", so each feed has an index that starts with the unit and is ordered by the article's
 * publication time; MySQL then reads exactly N (+1) index entries, however large the feed is.
 *
 * Codes are ascii_bin: GSO codes are digits with meaningful leading zeros, compared byte-wise, and
 * one byte a character keeps the feed indexes small. Text is utf8mb4_unicode_ci, a collation that
 * MariaDB and MySQL 8 both have.
 */
export class InitialSchema1732600000000 implements MigrationInterface {
  name = 'InitialSchema1732600000000';

  async up(q: QueryRunner): Promise<void> {
    // One table for all three levels: a feed, a parent or a path works the same at every level, and
    // the 2025 map (communes directly under provinces) needs no other shape. parent_code is NULL for
    // provinces; province_code is the unit's own code for a province.
    await q.query(`
      CREATE TABLE units (
        code          VARCHAR(10)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        level         ENUM('PROVINCE','DISTRICT','COMMUNE') NOT NULL,
        type          VARCHAR(16)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        name          VARCHAR(100) NOT NULL,
        full_name     VARCHAR(150) NOT NULL,
        slug          VARCHAR(150) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        path          VARCHAR(400) NOT NULL,
        parent_code   VARCHAR(10)  CHARACTER SET ascii COLLATE ascii_bin NULL,
        province_code VARCHAR(10)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        -- full_name without diacritics, lower case, đ written d: what searchUnits matches against
        search_name   VARCHAR(150) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        PRIMARY KEY (code),
        -- children of a unit in code order (Province.districts, District.communes)
        KEY ix_units_parent (parent_code, code),
        KEY ix_units_level (level, code),
        CONSTRAINT fk_units_parent FOREIGN KEY (parent_code) REFERENCES units (code),
        CONSTRAINT fk_units_province FOREIGN KEY (province_code) REFERENCES units (code)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);

    // Every (ancestor, descendant) pair, the unit itself included at depth 0: subtree and lineage
    // questions become one indexed join, with no assumption about how many tiers there are.
    await q.query(`
      CREATE TABLE unit_closure (
        ancestor_code   VARCHAR(10) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        descendant_code VARCHAR(10) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        depth           TINYINT UNSIGNED NOT NULL,
        PRIMARY KEY (ancestor_code, descendant_code),
        KEY ix_unit_closure_descendant (descendant_code, depth),
        CONSTRAINT fk_unit_closure_ancestor FOREIGN KEY (ancestor_code) REFERENCES units (code) ON DELETE CASCADE,
        CONSTRAINT fk_unit_closure_descendant FOREIGN KEY (descendant_code) REFERENCES units (code) ON DELETE CASCADE
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);

    await q.query(`
      CREATE TABLE sources (
        id         INT UNSIGNED NOT NULL AUTO_INCREMENT,
        name       VARCHAR(200) NOT NULL,
        url        VARCHAR(500) NULL,
        created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
        PRIMARY KEY (id),
        UNIQUE KEY ux_sources_name (name)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);

    await q.query(`
      CREATE TABLE topics (
        id   INT UNSIGNED NOT NULL AUTO_INCREMENT,
        name VARCHAR(100) NOT NULL,
        -- filters match topics by slug, so 'Cải cách hành chính' and 'cai-cach-hanh-chinh' are one topic
        slug VARCHAR(100) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        PRIMARY KEY (id),
        UNIQUE KEY ux_topics_slug (slug)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);

    await q.query(`
      CREATE TABLE articles (
        id           INT UNSIGNED NOT NULL AUTO_INCREMENT,
        slug         VARCHAR(200) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        title        VARCHAR(300) NOT NULL,
        summary      TEXT NULL,
        body         MEDIUMTEXT NOT NULL,
        kind         ENUM('NEWS','ANNOUNCEMENT','LEGAL_DOCUMENT') NOT NULL DEFAULT 'NEWS',
        origin_code  VARCHAR(10) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        source_id    INT UNSIGNED NULL,
        source_url   VARCHAR(1000) NULL,
        published_at DATETIME NOT NULL,
        created_at   DATETIME NOT NULL,
        updated_at   DATETIME NOT NULL,
        -- kept by the visit counters; here so MOST_VIEWED can sort without a join to a rollup
        views        BIGINT UNSIGNED NOT NULL DEFAULT 0,
        PRIMARY KEY (id),
        UNIQUE KEY ux_articles_slug (slug),
        -- Query.articles without a unit: the newest of everything
        KEY ix_articles_published (published_at, id),
        -- related's fallback: the newest from the same origin
        KEY ix_articles_origin (origin_code, published_at, id),
        -- Source.articles
        KEY ix_articles_source (source_id, published_at, id),
        -- MOST_VIEWED over all articles: read in order instead of sorting every row (the rows are
        -- large; a sort reads them all)
        KEY ix_articles_views (views, published_at, id),
        CONSTRAINT fk_articles_origin FOREIGN KEY (origin_code) REFERENCES units (code),
        CONSTRAINT fk_articles_source FOREIGN KEY (source_id) REFERENCES sources (id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);

    // sort_at repeats articles.published_at so that "the newest articles of topic T" (related) is an
    // index range, not a sort of every article that has the topic.
    await q.query(`
      CREATE TABLE article_topics (
        article_id INT UNSIGNED NOT NULL,
        topic_id   INT UNSIGNED NOT NULL,
        sort_at    DATETIME NOT NULL,
        PRIMARY KEY (article_id, topic_id),
        KEY ix_article_topics_topic (topic_id, sort_at, article_id),
        CONSTRAINT fk_article_topics_article FOREIGN KEY (article_id) REFERENCES articles (id) ON DELETE CASCADE,
        CONSTRAINT fk_article_topics_topic FOREIGN KEY (topic_id) REFERENCES topics (id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);

    // One row per unit whose portal shows the article; the origin is one of them. published_at is
    // when this unit started showing it; sort_at is the article's own published_at, the feed order.
    await q.query(`
      CREATE TABLE publications (
        article_id   INT UNSIGNED NOT NULL,
        unit_code    VARCHAR(10) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        is_origin    TINYINT(1) NOT NULL DEFAULT 0,
        published_at DATETIME NOT NULL,
        sort_at      DATETIME NOT NULL,
        PRIMARY KEY (article_id, unit_code),
        -- the UNIT feed: newest N of one unit, read straight off this index (LIMIT stops the scan)
        KEY ix_publications_feed (unit_code, sort_at, article_id),
        CONSTRAINT fk_publications_article FOREIGN KEY (article_id) REFERENCES articles (id) ON DELETE CASCADE,
        CONSTRAINT fk_publications_unit FOREIGN KEY (unit_code) REFERENCES units (code)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);

    // The SUBTREE feed, materialised: one row per (unit, article) where the article is shown on the
    // unit or anywhere below it. Computing it at read time means joining a province's ~30,000
    // publications (at a million articles), removing duplicates and sorting them all for every page;
    // stored, it is one clustered range read in feed order, and an article is in it at most once by
    // construction. It costs ~2.5 rows per publication and is rebuilt per article whenever the
    // article's publications or published_at change (ArticleFeedIndex).
    await q.query(`
      CREATE TABLE subtree_feed (
        unit_code  VARCHAR(10) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        sort_at    DATETIME NOT NULL,
        article_id INT UNSIGNED NOT NULL,
        PRIMARY KEY (unit_code, sort_at, article_id),
        UNIQUE KEY ux_subtree_feed_article (article_id, unit_code),
        CONSTRAINT fk_subtree_feed_article FOREIGN KEY (article_id) REFERENCES articles (id) ON DELETE CASCADE,
        CONSTRAINT fk_subtree_feed_unit FOREIGN KEY (unit_code) REFERENCES units (code)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['subtree_feed', 'publications', 'article_topics', 'articles', 'topics', 'sources', 'unit_closure', 'units']) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
