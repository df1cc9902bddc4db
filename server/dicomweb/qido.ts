import type { Request, Response } from 'express';
import { parseQidoQuery, type QidoLevel } from '../../shared/dicomweb/qido-query';
import type { IndexDb } from '../index/index-db';
import { sendDicomJson } from '../http/send-json';
import { searchIndex } from '../index/qido-search';
import { shareQueryParams, withSeriesAggregates } from '../sharing/share-query';
import { shareViewOf } from '../sharing/share-view';
import { negotiateJson } from './wado';

export interface QidoDeps {
  db: IndexDb;
  maxLimit: number;
  dicomWebBase: () => string;
}

/**
 * Search for Studies / Series / Instances (QIDO-RS, PS3.18 10.6). The level comes from the
 * route; study and series UIDs in the path scope the search. 200 with a JSON array, `[]` when
 * nothing matches; a `Warning` header when `limit` cut the result.
 */
export function searchFor(level: QidoLevel, deps: QidoDeps) {
  return (req: Request, res: Response): void => {
    negotiateJson(req.headers.accept);
    // A share link sees its own study only, de-identified when anonymized (server/sharing).
    const view = shareViewOf(res);
    const params = new URL(req.originalUrl, 'http://localhost').searchParams;
    const query = parseQidoQuery(view ? shareQueryParams(view, params) : params, level);
    const limit = Math.min(query.limit ?? deps.maxLimit, deps.maxLimit);
    const scope = {
      studyUid: req.params.study as string | undefined,
      seriesUid: req.params.series as string | undefined,
      restrictTo: view?.restrictTo(),
    };
    const result = searchIndex(deps.db, query, scope, limit, deps.dicomWebBase());
    if (view?.share.seriesUids && level === 'study' && result.items.length > 0) {
      // The study's counts and modalities as the shared series make them, not the whole study.
      const series = searchIndex(
        deps.db,
        parseQidoQuery([], 'series'),
        { restrictTo: view.restrictTo() },
        deps.maxLimit,
        deps.dicomWebBase(),
      ).items;
      result.items = result.items.map((study) => withSeriesAggregates(study, series));
    }
    if (view) result.items = view.present(result.items);
    if (result.truncated) {
      res.setHeader('Warning', `299 - "There are more results than the limit of ${limit}; use offset to page"`);
    }
    sendDicomJson(req, res, JSON.stringify(result.items));
  };
}
