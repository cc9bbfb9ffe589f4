namespace OnnxVideo.Text;

/// <summary>A captions.jsonl (or a line of it) that cannot be used; the message names the file and the 1-based line.</summary>
internal sealed class CaptionDataException(string file, int line, string problem)
    : UserInputException($"{file}:{line}", problem)
{
    public string File { get; } = file;

    public int Line { get; } = line;
}
