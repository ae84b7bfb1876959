import { describe, expect, it } from 'vitest';
import { EntityIndex } from '../../src/catalog/entity-linker.ts';
import { judgePlans, missingFromCall, planFigures, plannerOf, relaxationFigures, type ExpectedRequest, type PanelExpectation } from '../../src/eval/served/panel-plans.ts';
import { fixtureRows } from '../catalog/support/entity-rows.ts';

const index = new EntityIndex(fixtureRows());
const req = (text: string, constraints: ExpectedRequest['constraints'], expect: PanelExpectation): ExpectedRequest => ({ id: text, category: 'test', text, constraints, expect });

describe('the request panel measures', () => {
  it('counts a constraint as present only when the call is at least as strict', () => {
    const r = req('x', { genres: ['rock'], energy: { max: 0.6 }, exclude_artists: ['Drake'] }, { tool: 'recommend' });
    expect(missingFromCall(r, { name: 'recommend', args: { constraints: { genres: ['rock'], energy: { max: 0.5 }, exclude_artists: ['drake'] } } })).toEqual([]);
    expect(missingFromCall(r, { name: 'recommend', args: { constraints: { genres: ['rock', 'pop'], energy: { max: 0.7 } } } })).toEqual(['genres rock', 'energy …–0.6', 'not by Drake']);
    // A style within the genre is at least as strict ("grunge" for rock); one of another genre is not.
    expect(missingFromCall(r, { name: 'recommend', args: { constraints: { genres: ['grunge'], energy: { max: 0.5 }, exclude_artists: ['drake'] } } })).toEqual([]);
    expect(missingFromCall(r, { name: 'recommend', args: { constraints: { genres: ['funk'], energy: { max: 0.5 }, exclude_artists: ['drake'] } } })).toEqual(['genres rock']);
    const seeded = req('y', { instrumental: true }, { tool: 'similar_tracks', track: { title: 'Creep' }, count: 10 });
    expect(missingFromCall(seeded, { name: 'similar_tracks', args: { track: 101, count: 10, constraints: { instrumentalness: { min: 0.5 } } } }, index)).toEqual([]);
    expect(missingFromCall(seeded, { name: 'similar_tracks', args: { track: 102, count: 5 } }, index)).toEqual(['instrumental', 'track Creep', 'count 10']);
  });

  it('judges the planner: tool accuracy and constraint presence over the requests with an expectation', () => {
    const panel = [
      req('find Smells Like Teen Spirit', {}, { tool: 'search_catalog', query: 'Smells Like Teen Spirit' }),
      req("pop songs, no drake please", { genres: ['pop'], exclude_artists: ['Drake'] }, { tool: 'recommend' }),
      req('something like Justice', {}, { tool: 'recommend', artists: ['Justice'] }),
      req('compare two songs', {}, { tool: 'recommend' }),
    ];
    const verdicts = judgePlans(panel, plannerOf(index), index);
    expect(verdicts.map((v) => v.toolOk)).toEqual([true, true, true, false]);
    const [tool, presence] = planFigures(verdicts);
    expect(tool).toMatchObject({ value: 0.75, n: 4 });
    expect(presence).toMatchObject({ value: 1, n: 4 });
  });

  it('counts silent drops: a broken constraint the reply does not state', () => {
    const answers = [
      { id: 'a', trackIds: [1], text: 'Here are 5 tracks (jazz).' },
      { id: 'b', trackIds: [2], text: 'I relaxed the tempo: too few tracks met it.' },
      { id: 'c', trackIds: [3], text: 'Here are 5 tracks.' },
    ];
    const report = { figures: [], failures: [{ id: 'a', text: 'jazz', track: 1, broken: ['genre jazz'] }, { id: 'b', text: 'x', track: 2, broken: ['tempo'] }] };
    const [stated, silent] = relaxationFigures(answers, report);
    expect(stated).toMatchObject({ value: 1, n: 3 });
    expect(silent).toMatchObject({ value: 1, n: 3 });
  });
});
