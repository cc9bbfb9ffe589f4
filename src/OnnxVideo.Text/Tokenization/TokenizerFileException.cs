namespace OnnxVideo.Text;

/// <summary>A tokenizer.json that cannot be used: not JSON, truncated, too large, another format, or merges that do
/// not describe a byte-level BPE vocabulary. Names the file.</summary>
internal sealed class TokenizerFileException(string path, string problem, Exception? inner = null)
    : UserInputException(path, problem, inner);
