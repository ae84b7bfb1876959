/**
 * Earworm as an MCP server: every registry tool (with input and output schemas, results as structured content),
 * resources (a track, the caller's taste profile) and prompts. Tools are served through `callTool`, so argument
 * mistakes come back as `isError` results saying what to fix, with the same wording the agent gets.
 * Each connection maps its client to a person, so votes and likes made through MCP shape later answers.
 */
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult, type Implementation, type Tool as McpTool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { callTool, TOOLS, type ToolCallOutcome } from '../tools/registry.ts';
import { contextFor, type ToolContext, type ToolServices } from '../tools/tool-context.ts';

/** Maps a connected client (its initialize `clientInfo`, if sent) to an Earworm person id. */
export type PersonResolver = (client: Implementation | undefined) => Promise<number>;

/** Options of one MCP server instance (one per connection or session). */
interface McpServerOptions {
  readonly services: ToolServices;
  readonly resolvePerson: PersonResolver;
  /** Reported as serverInfo.version. */
  readonly version?: string;
}

/** The JSON Schema of every tool, as tools/list reports it. */
function mcpToolList(): McpTool[] {
  return TOOLS.map((t) => ({
    name: t.name,
    title: t.title,
    description: t.description,
    inputSchema: jsonSchema(t.input, 'input') as McpTool['inputSchema'],
    outputSchema: jsonSchema(t.output, 'output') as NonNullable<McpTool['outputSchema']>,
    annotations: { title: t.title, readOnlyHint: !t.writes, idempotentHint: true, openWorldHint: false },
  }));
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

/** Renders a registry outcome as an MCP tool result. */
function toCallToolResult(outcome: ToolCallOutcome): CallToolResult {
  if (outcome.kind === 'ok') return { content: [{ type: 'text', text: JSON.stringify(outcome.value) }], structuredContent: outcome.value };
  let text = outcome.message;
  if (outcome.kind === 'retry' && outcome.candidates !== undefined && outcome.candidates.length > 0) {
    text += `\nCandidates:\n${outcome.candidates.map((c) => `- ${c.id}: ${c.label}`).join('\n')}`;
  }
  return { content: [{ type: 'text', text }], isError: true };
}

/** Builds one MCP server over the tool services. */
export function createMcpServer(options: McpServerOptions): McpServer {
  const mcp = new McpServer(
    { name: 'earworm', title: 'Earworm music recommender', version: options.version ?? '0.1.0' },
    { instructions: 'Earworm recommends music. Resolve what the person names with search_catalog (or pass their words as a track), recommend with seeds and constraints, and teach it their taste with rate_track and next_comparison/record_preference.' },
  );
  let person: Promise<number> | undefined;
  const context = async (): Promise<ToolContext> => {
    person ??= options.resolvePerson(mcp.server.getClientVersion()).catch((err: unknown) => {
      person = undefined;
      throw err;
    });
    return contextFor(options.services, await person, { platform: 'mcp' });
  };

  mcp.server.registerCapabilities({ tools: { listChanged: false } });
  const tools = mcpToolList();
  mcp.server.setRequestHandler(ListToolsRequestSchema, () => ({ tools }));
  mcp.server.setRequestHandler(CallToolRequestSchema, async (request) => {
    let ctx: ToolContext;
    try {
      ctx = await context();
    } catch (err) {
      options.services.logger.error({ err }, 'could not resolve the MCP caller to a person');
      return toCallToolResult({ kind: 'system', code: 'PERSON_UNAVAILABLE', message: 'Earworm could not load your profile. Please try again in a moment.' });
    }
    return toCallToolResult(await callTool(request.params.name, request.params.arguments ?? {}, ctx));
  });

  mcp.registerResource(
    'track',
    new ResourceTemplate('earworm://tracks/{id}', { list: undefined }),
    { title: 'A catalogue track', description: 'A track with its artists, album, year, play count and classifier predictions.', mimeType: 'application/json' },
    async (uri, variables) => {
      const id = Number(Array.isArray(variables.id) ? variables.id[0] : variables.id);
      const ctx = await context();
      const card = Number.isInteger(id) ? (await ctx.catalog.describe([id])).get(id) : undefined;
      const body = card === undefined ? { error: `no track with id ${String(variables.id)}` } : { ...card, predictions: await ctx.catalog.predictions(id) };
      return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(body) }] };
    },
  );
  mcp.registerResource(
    'taste-profile',
    'earworm://me/taste-profile',
    { title: 'Your taste profile', description: 'What Earworm has learnt about you from ratings and A/B votes.', mimeType: 'application/json' },
    async (uri) => {
      const outcome = await callTool('get_taste_profile', {}, await context());
      const body = outcome.kind === 'ok' ? outcome.value : { error: outcome.message };
      return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(body) }] };
    },
  );

  mcp.registerPrompt(
    'playlist_for_activity',
    {
      title: 'A playlist for an activity',
      description: 'Build a playlist that fits an activity (running, focus, dinner, ...), shaped by your taste.',
      argsSchema: { activity: z.string().describe('What the music is for, e.g. "running" or "deep work"'), length: z.string().optional().describe('Number of tracks (default 15)') },
    },
    ({ activity, length }) => ({
      messages: [
        {
          role: 'user',
          content: {
            type: 'text',
            text:
              `Make me a playlist of ${length ?? '15'} tracks for ${activity}. ` +
              'First call list_genres_and_moods to see the moods, genres and ranges Earworm knows. Choose constraints that fit the activity ' +
              '(for example energy and tempo ranges for running, instrumentalness above 0.5 and a calm or focus mood for deep work), ' +
              'then call recommend with those constraints and count, starting from my likes. Present the tracks with one line on why each fits.',
          },
        },
      ],
    }),
  );
  mcp.registerPrompt(
    'teach_my_taste',
    { title: 'Teach Earworm my taste', description: 'A few quick A/B comparisons that teach Earworm what you like.', argsSchema: { rounds: z.string().optional().describe('How many comparisons (default 5)') } },
    ({ rounds }) => ({
      messages: [
        {
          role: 'user',
          content: {
            type: 'text',
            text: `Ask me ${rounds ?? '5'} quick "which of these two?" questions. For each, call next_comparison, show me both tracks, and record my answer with record_preference. Finish with get_taste_profile and tell me what you learnt.`,
          },
        },
      ],
    }),
  );
  return mcp;
}
