/** Writes tiny datasets in the formats of ../shared/EVAL.md into a temp folder. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SeededRandom } from '../../src/recsys/rng.ts';

/** Writes lastfm (clustered, CRLF), yes and tidy fixtures under dir. */
export async function writeFixtureDatasets(dir: string): Promise<void> {
  const rng = new SeededRandom(11);
  const lastfm = ['userID\tartistID\tweight'];
  for (let u = 0; u < 90; u++) {
    const cluster = u % 3;
    const n = 12 + Math.floor(rng.next() * 8);
    const seen = new Set<number>();
    for (let t = 0; t < n; t++) {
      const a = cluster * 30 + Math.floor(rng.next() * 30) + (rng.next() < 0.1 ? 90 : 0);
      if (seen.has(a)) continue;
      seen.add(a);
      lastfm.push(`${1000 + u}\t${7 + a}\t${1 + Math.floor(rng.next() * 500)}`);
    }
  }
  await mkdir(path.join(dir, 'lastfm-hetrec2011'), { recursive: true });
  await writeFile(path.join(dir, 'lastfm-hetrec2011', 'user_artists.dat'), lastfm.join('\r\n') + '\r\n');

  const yes = ['1 2 3 4 5 6 7 8', '3 3 3 3 3 3 3 3', '0 1 2 3 4 ', '0 1 ', '5 5 6 7 1 2 ', '7 6 5 4 3 2 1 0 '];
  await mkdir(path.join(dir, 'yes-com-playlists', 'yes_small'), { recursive: true });
  await writeFile(path.join(dir, 'yes-com-playlists', 'yes_small', 'train.txt'), yes.join('\n') + '\n');

  const header =
    'track_id,track_name,track_artist,track_popularity,track_album_id,track_album_name,track_album_release_date,playlist_name,playlist_id,playlist_genre,playlist_subgenre,danceability,energy,key,loudness,mode,speechiness,acousticness,instrumentalness,liveness,valence,tempo,duration_ms';
  const rows = [header];
  const track = (p: string, t: string, artist: string, genre: string) =>
    `${t},"Song, ${t}",${artist},50,alb${t},Album,2019-01-01,List,${p},${genre},${genre} sub,0.5,0.6,1,-5,1,0.05,0.1,0,0.1,0.5,120,200000`;
  for (const t of ['a', 'b', 'c', 'd', 'e']) rows.push(track('P1', t, 'X', 'pop'));
  rows.push(track('P1', 'a', 'X', 'pop'));
  for (const t of ['f', 'g', 'h']) rows.push(track('P2', t, 'Y', 'rock'));
  for (const t of ['c', 'f', 'g', 'h', 'i']) rows.push(track('P3', t, 'Y', 'rock'));
  await mkdir(path.join(dir, 'spotify-songs-tidytuesday'), { recursive: true });
  await writeFile(path.join(dir, 'spotify-songs-tidytuesday', 'spotify_songs.csv'), rows.join('\n') + '\n');
}
