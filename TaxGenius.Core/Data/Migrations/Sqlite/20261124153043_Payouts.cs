using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TaxGenius.Core.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Payouts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "PayoutId",
                table: "Referrals",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "Payouts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PaidOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Reference = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Total = table.Column<long>(type: "INTEGER", precision: 10, scale: 2, nullable: false),
                    ReferralCount = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedById = table.Column<Guid>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Payouts", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Referrals_PayoutId",
                table: "Referrals",
                column: "PayoutId");

            migrationBuilder.CreateIndex(
                name: "IX_Payouts_CreatedAt",
                table: "Payouts",
                column: "CreatedAt");

            migrationBuilder.AddForeignKey(
                name: "FK_Referrals_Payouts_PayoutId",
                table: "Referrals",
                column: "PayoutId",
                principalTable: "Payouts",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Referrals_Payouts_PayoutId",
                table: "Referrals");

            migrationBuilder.DropTable(
                name: "Payouts");

            migrationBuilder.DropIndex(
                name: "IX_Referrals_PayoutId",
                table: "Referrals");

            migrationBuilder.DropColumn(
                name: "PayoutId",
                table: "Referrals");
        }
    }
}
