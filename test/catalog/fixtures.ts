/**
 * Tiny datasets in the real formats, written into a temp folder laid out like EARWORM_DATA_DIR. They overlap on
 * purpose: "Gucci Time" is in yes_small, yes_complete and TidyTuesday; TidyTuesday and MPD share a Spotify id whose
 * titles normalise differently.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const TIDY_HEADER =
  'track_id,track_name,track_artist,track_popularity,track_album_id,track_album_name,track_album_release_date,playlist_name,playlist_id,playlist_genre,playlist_subgenre,danceability,energy,key,loudness,mode,speechiness,acousticness,instrumentalness,liveness,valence,tempo,duration_ms';

/** TidyTuesday rows: 5 rows, 4 distinct tracks (one NA), 2 playlists, one duplicate (playlist, track) row. */
export const TIDY_ROWS = [
  'sp1,Gucci Time (feat. Swizz Beatz),Gucci Mane,60,al1,"The Appeal: Georgia\'s Most Wanted, Deluxe",2010-09-28,Trap Hits,pl1,rap,trap,0.8,0.7,1,-5.1,1,0.2,0.01,3.37e-5,0.1,0.5,140.0,200000',
  'sp2,Toxic,Britney Spears,80,al2,In The Zone,2003,Pop Hits,pl2,pop,dance pop,0.77,0.84,5,-3.5,0,0.1,0.02,0.0001,0.24,0.9,143.0,198800',
  'sp3,NA,NA,0,al3,NA,2019-01,Pop Hits,pl2,pop,dance pop,0.5,0.5,0,-7,1,0.05,0.3,0,0.1,0.4,100,180000',
  'sp2,Toxic,Britney Spears,80,al2,In The Zone,2003,Pop Hits,pl2,pop,dance pop,0.77,0.84,5,-3.5,0,0.1,0.02,0.0001,0.24,0.9,143.0,198800',
  'sp4,Lose Control - Radio Edit,Missy Elliott,70,al4,The Cookbook,2005-07-04,Trap Hits,pl1,rap,trap,0.9,0.8,2,-4,1,0.3,0.05,0,0.2,0.8,125,226000',
];

/** Writes `spotify-songs-tidytuesday/spotify_songs.csv` from the given rows. */
export async function writeTidy(dataDir: string, rows: readonly string[] = TIDY_ROWS): Promise<string> {
  const dir = path.join(dataDir, 'spotify-songs-tidytuesday');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'spotify_songs.csv');
  await writeFile(file, `${TIDY_HEADER}\n${rows.join('\n')}\n`);
  return file;
}

/** Writes a 3-row Spotify Tracks excerpt: one row shares its id with TidyTuesday, one has two artists. */
export async function writeSpotifyTracks(dataDir: string): Promise<void> {
  const dir = path.join(dataDir, 'spotify-tracks');
  await mkdir(dir, { recursive: true });
  await writeFile(
    path.join(dir, 'dataset.first50rows.csv'),
    [
      ',track_id,artists,album_name,track_name,popularity,duration_ms,explicit,danceability,energy,key,loudness,mode,speechiness,acousticness,instrumentalness,liveness,valence,tempo,time_signature,track_genre',
      '0,st1,Gen Hoshino,Comedy,Comedy,73,230666,False,0.676,0.461,1,-6.746,0,0.143,0.0322,1.01e-06,0.358,0.715,87.917,4,acoustic',
      '1,st2,Jason Mraz;Colbie Caillat,"We Sing. We Dance. We Steal Things.",Lucky,57,189613,False,0.625,0.414,0,-8.7,1,0.0369,0.294,0,0.151,0.669,130.088,4,acoustic',
      '2,sp2,Britney Spears,In The Zone,Toxic,81,198800,True,0.77,0.84,5,-3.5,0,0.1,0.02,0.0001,0.24,0.9,143.0,4,pop',
    ].join('\n') + '\n',
  );
}

/** MPD playlist objects as the slice files hold them. */
export function mpdPlaylist(pid: number, tracks: readonly { uri: string; name: string; artist: string }[]): object {
  return {
    name: `list ${pid}`,
    collaborative: 'false',
    pid,
    modified_at: 1493424000,
    num_tracks: tracks.length,
    tracks: tracks.map((t, pos) => ({
      pos,
      artist_name: t.artist,
      track_uri: `spotify:track:${t.uri}`,
      artist_uri: `spotify:artist:a-${t.artist.length}`,
      track_name: t.name,
      album_uri: 'spotify:album:x',
      duration_ms: 200000,
      album_name: 'Album',
    })),
  };
}

/** The MPD fixture: two playlists, three entries; sp4 matches TidyTuesday by Spotify id though its title differs. */
export const MPD_PLAYLISTS = [
  mpdPlaylist(0, [
    { uri: 'sp4', name: 'Lose Kontrol', artist: 'Missy Elliott' },
    { uri: 'mp9', name: 'Hey Ya!', artist: 'OutKast' },
  ]),
  mpdPlaylist(1, [{ uri: 'mp9', name: 'Hey Ya!', artist: 'OutKast' }]),
];

/** Writes an MPD slice in the original layout (indented, `", "` separators). */
export async function writeMpd(dataDir: string, text?: string): Promise<string> {
  const dir = path.join(dataDir, 'mpd');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'mpd.slice.0-999.json');
  await writeFile(file, text ?? JSON.stringify({ info: { slice: '0-999', version: 'v1' }, playlists: MPD_PLAYLISTS }, null, 4));
  return file;
}

/** Writes yes_small (3 songs, 3 playlists, a repeated song) and yes_complete (2 songs). */
export async function writeYes(dataDir: string): Promise<void> {
  const small = path.join(dataDir, 'yes-com-playlists', 'yes_small');
  const complete = path.join(dataDir, 'yes-com-playlists', 'yes_complete');
  await mkdir(small, { recursive: true });
  await mkdir(complete, { recursive: true });
  await writeFile(path.join(small, 'song_hash.txt'), '0 \tGucci Time (w\\/ Swizz Beatz)\tGucci Mane\n1 \tHey Ya!\tOutkast\n2 \tClocks\tColdplay\n');
  await writeFile(path.join(small, 'tags.txt'), '0 1\n#\n1\n');
  await writeFile(path.join(small, 'tag_hash.txt'), '0, rap\n1, pop\n2, NONE');
  await writeFile(path.join(small, 'train.txt'), '100 101 102 \n3 4 2 \n0 1 0 \n2 \n1 2 1 \n');
  await writeFile(path.join(complete, 'song_hash.txt'), '0 \tGucci Time (w\\/ Swizz Beatz)\tGucci Mane\n1 \tYellow\tColdplay\n');
  await writeFile(path.join(complete, 'tags.txt'), '1\n0\n');
  await writeFile(path.join(complete, 'tag_hash.txt'), '0, rock\n1, hip hop');
}

/** Writes the four Last.fm files: tags.dat in ISO-8859-1, two artist ids that name one artist, one unlisted artist. */
export async function writeLastfm(dataDir: string, overrides: Partial<Record<string, Buffer | string>> = {}): Promise<string> {
  const dir = path.join(dataDir, 'lastfm-hetrec2011');
  await mkdir(dir, { recursive: true });
  const files: Record<string, Buffer | string> = {
    'artists.dat': 'id\tname\turl\tpictureURL\n1\tColdplay\thttp://www.last.fm/music/Coldplay\thttp://img/1.jpg\n2\tThe Coldplay\thttp://x\t\n3\t"Weird" Al Yankovic\thttp://y\thttp://img/3.jpg\n',
    'tags.dat': Buffer.from('tagID\ttagValue\r\n1\trock\r\n2\t\xe9lectro\r\n', 'latin1'),
    'user_artists.dat': 'userID\tartistID\tweight\r\n2\t1\t100\r\n2\t3\t5\r\n7\t2\t9\r\n',
    'user_taggedartists.dat': 'userID\tartistID\ttagID\tday\tmonth\tyear\r\n2\t1\t1\t1\t4\t2009\r\n2\t2\t1\t1\t4\t2009\r\n7\t99\t2\t31\t2\t2010\r\n',
    ...overrides,
  } as Record<string, Buffer | string>;
  for (const [name, body] of Object.entries(files)) await writeFile(path.join(dir, name), body);
  return dir;
}
