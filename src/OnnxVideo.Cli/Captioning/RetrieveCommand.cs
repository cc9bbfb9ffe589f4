using System.CommandLine;
using System.Text.Json;
using OnnxVideo.CommandLine;
using OnnxVideo.Runtime;

namespace OnnxVideo.Cli.Captioning;

/// <summary>
/// <c>onnxvideo retrieve --query "text" -m captioner/ &lt;inputs&gt;</c>: ranks the videos by the captioner's
/// log-likelihood of the text given each (VideoBERT-style cross-modal scoring); one JSON line per video, best first,
/// <c>{"rank", "path", "score"}</c>. A video that cannot be read is reported on stderr and left out (exit 1).
/// </summary>
internal static class RetrieveCommand
{
    public static Command Create()
    {
        var inputs = new Argument<string[]>("inputs")
        {
            Description = "Video files, folders (searched recursively) or .txt/.list files with one path per line",
            Arity = ArgumentArity.OneOrMore,
        };
        var query = new Option<string>("--query", "-q") { Description = "The text to find clips for", Required = true };
        var top = CommonOptions.Positive(new Option<int?>("--top") { Description = "Report only the best N clips (default: all)" });
        var captioner = new CaptionerFlags();
        var command = new Command("retrieve", "Rank videos by how well a text describes them, with a captioner folder") { inputs, query, top };
        foreach (var option in captioner.All())
        {
            command.Options.Add(option);
        }
        command.SetHandler((parse, ct) => RunAsync(parse.GetValue(inputs) ?? [], parse.GetValue(query)!, parse.GetValue(top), captioner, parse, ct));
        return command;
    }

    private static async Task<int> RunAsync(string[] inputs, string query, int? top, CaptionerFlags flags, ParseResult parse, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(query))
        {
            throw new InvalidFlagException("--query", query, "the query is empty");
        }
        var videos = CaptionInputs.Collect(inputs);
        using var captioner = flags.Open(parse);
        var scored = new List<(string Path, double Score)>();
        var failed = 0;
        foreach (var video in videos)
        {
            VideoMemory memory;
            try
            {
                memory = await captioner.EncodeAsync(video, ct);
            }
            catch (UserInputException e)
            {
                failed++;
                Console.Error.WriteLine($"skipped {video}: {e.Message}");
                continue;
            }
            scored.Add((video, captioner.Score(memory, [query])[0]));
        }
        var rank = 0;
        foreach (var (path, score) in scored.OrderByDescending(s => s.Score).Take(top ?? int.MaxValue))
        {
            Console.WriteLine(JsonSerializer.Serialize(new { rank = ++rank, path, score }));
        }
        return failed == 0 ? ExitCodes.Ok : ExitCodes.Failed;
    }
}
