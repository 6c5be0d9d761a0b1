using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TaxGenius.Core.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class EmailDispatchBatches : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "ClaimToken",
                table: "QueuedEmails",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "NextAttemptAt",
                table: "QueuedEmails",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_QueuedEmails_ClaimToken",
                table: "QueuedEmails",
                column: "ClaimToken");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_QueuedEmails_ClaimToken",
                table: "QueuedEmails");

            migrationBuilder.DropColumn(
                name: "ClaimToken",
                table: "QueuedEmails");

            migrationBuilder.DropColumn(
                name: "NextAttemptAt",
                table: "QueuedEmails");
        }
    }
}
