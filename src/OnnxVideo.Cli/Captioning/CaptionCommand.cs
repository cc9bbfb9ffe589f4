using System.CommandLine;
using System.Text.Json;
using OnnxVideo.CommandLine;
using OnnxVideo.Runtime;

namespace OnnxVideo.Cli.Captioning;

/// <summary>
/// <c>onnxvideo caption &lt;inputs&gt; -m captioner/</c>: one JSON line per video on stdout, <c>{"path", "caption",
/// "score"}</c> (score = the caption's log-probability), or <c>{"path", "error"}</c> for a video that cannot be read;
/// the others go on. Exit 0 when every video was captioned, 1 when some failed, 2 for bad flags or a bad captioner.
/// </summary>
internal static class CaptionCommand
{
    public static Command Create()
    {
        var inputs = new Argument<string[]>("inputs")
        {
            Description = "Video files, folders (searched recursively) or .txt/.list files with one path per line",
            Arity = ArgumentArity.OneOrMore,
        };
        var captioner = new CaptionerFlags();
        var search = new SearchFlags();
        var command = new Command("caption", "Describe videos in words with a captioner folder: JSON lines (path, caption, score)") { inputs };
        foreach (var option in captioner.All().Concat(search.All()))
        {
            command.Options.Add(option);
        }
        command.SetHandler((parse, ct) => RunAsync(parse.GetValue(inputs) ?? [], captioner, search.Read(parse), parse, ct));
        return command;
    }

    private static async Task<int> RunAsync(string[] inputs, CaptionerFlags flags, CaptionSearch search, ParseResult parse, CancellationToken ct)
    {
        var videos = CaptionInputs.Collect(inputs);
        using var captioner = flags.Open(parse);
        var failed = 0;
        foreach (var chunk in videos.Chunk(parse.GetValue(flags.Batch)))
        {
            var results = await FlagValues.Check(() => captioner.CaptionAsync(chunk, search, ct));
            foreach (var result in results)
            {
                failed += result.Error is null ? 0 : 1;
                Console.WriteLine(result.Error is { } error
                    ? JsonSerializer.Serialize(new { path = result.Input, error })
                    : JsonSerializer.Serialize(new { path = result.Input, caption = result.Text, score = result.LogProbability }));
            }
        }
        Console.Error.WriteLine($"{videos.Count - failed} captioned, {failed} failed");
        return failed == 0 ? ExitCodes.Ok : ExitCodes.Failed;
    }
}
